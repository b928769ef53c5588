package io.weir.runtime;

import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;

import java.nio.file.Path;

/**
 * The upgrade hand-over between two Weir processes, over a unix socket (see docs/operations.md). One line each
 * way, in this order, the new process asking:
 * <pre>
 *   new → old   LIST                 old → new   {"pid":…,"sockets":[{"kind":"stream","name":"web","host":…,"port":…},…]}
 *   new → old   FDS                  old → new   one SCM_RIGHTS message per socket, in the listed order
 *   new → old   READY                old → new   DONE   (the old one has let go of the unix socket and drains)
 * </pre>
 * The new process asks for the descriptors only after switching its end to read descriptors, so none arrives
 * in a plain read (which would drop it). Passing the sockets themselves, as HAProxy's {@code -x} and Envoy's hot
 * restart do, is what makes the upgrade lossless: with SO_REUSEPORT alone the old process would have to close
 * its own listening socket, and Linux resets the connections still waiting in that socket's accept queue.
 */
public final class Handover {

    /** A stream (http, tcp, admin) or datagram (udp) listening socket. */
    public enum Kind { STREAM, DATAGRAM }

    /** One listening socket of the running Weir, as offered to its successor. */
    public record Offer(Kind kind, String name, String host, int port, Channel channel) { }

    static final String LIST = "LIST";
    static final String FDS = "FDS";
    static final String READY = "READY";
    static final String DONE = "DONE";
    static final int MAX_LINE = 64 * 1024;

    private Handover() {
    }

    /** Whether sockets can be handed over here: it takes the epoll transport (descriptor passing). */
    public static boolean supported(Transport transport) {
        return transport.name().equals("epoll") && Epoll.isAvailable();
    }

    /** The default hand-over socket of a config file: {@code <config>.sock} beside it, as the state file is. */
    public static Path defaultSocket(Path config) {
        return config.toAbsolutePath().resolveSibling(config.getFileName() + ".sock");
    }
}
