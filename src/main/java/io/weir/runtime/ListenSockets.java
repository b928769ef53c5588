package io.weir.runtime;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where listeners get their sockets: bound afresh, or, during an upgrade, the listening sockets the Weir being
 * replaced handed over ({@link HandoverClient}). A handed-over socket is the same kernel socket, with the same
 * accept queue, so no connection waiting in it is lost when the old process lets go of its copy.
 */
public final class ListenSockets {

    private static final Logger log = LoggerFactory.getLogger(ListenSockets.class);

    /** Every listener binds a new socket. */
    public static final ListenSockets FRESH = new ListenSockets(List.of());

    /** One socket the old Weir handed over: its kind, the address its config named, and our descriptor for it. */
    record Inherited(Handover.Kind kind, String host, int port, int fd) {
        boolean matches(Handover.Kind k, InetSocketAddress wanted) {
            if (kind != k || port != wanted.getPort()) {
                return false;
            }
            try {
                return InetAddress.getByName(host).equals(wanted.getAddress());
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }

    private final List<Inherited> inherited;
    /** Handed-over sockets adopted by listeners, not accepting until {@link #startAccepting()}. */
    private final List<Channel> adopted = new ArrayList<>();

    ListenSockets(List<Inherited> inherited) {
        this.inherited = new ArrayList<>(inherited);
    }

    /** Binds {@code bootstrap}'s server channel on {@code address}, or adopts the handed-over socket for it. */
    public Channel bindServer(ServerBootstrap bootstrap, Transport transport, InetSocketAddress address)
            throws InterruptedException {
        bootstrap.childHandler(transport.childHandler(bootstrap.config().childHandler()));
        Inherited socket = take(Handover.Kind.STREAM, address);
        if (socket == null) {
            return bound(bootstrap.channel(transport.serverChannel()).bind(address), address);
        }
        log.info("listening on {} through the socket handed over by the previous Weir", address);
        // Already bound and listening. Not accepting yet: the old Weir keeps taking connections off the shared
        // queue until this one is ready (its first health checks done).
        return adopt(bootstrap.option(ChannelOption.AUTO_READ, false)
                .channelFactory(() -> new EpollServerSocketChannel(socket.fd())).register().sync().channel());
    }

    /** As {@link #bindServer}, for a udp listener's datagram socket. */
    public Channel bindDatagram(Bootstrap bootstrap, Transport transport, InetSocketAddress address)
            throws InterruptedException {
        Inherited socket = take(Handover.Kind.DATAGRAM, address);
        if (socket == null) {
            return bound(bootstrap.channel(transport.datagramChannel()).bind(address), address);
        }
        log.info("receiving on udp {} through the socket handed over by the previous Weir", address);
        return adopt(bootstrap.option(ChannelOption.AUTO_READ, false)
                .channelFactory(() -> new EpollDatagramChannel(socket.fd())).register().sync().channel());
    }

    /** The channel once its bind is done; a failed bind is a {@link ListenFailure} that says where and why. */
    public static Channel bound(ChannelFuture bind, InetSocketAddress address) throws InterruptedException {
        bind.await();
        if (!bind.isSuccess()) {
            throw ListenFailure.at(address, bind.cause());
        }
        return bind.channel();
    }

    private synchronized Channel adopt(Channel channel) {
        adopted.add(channel);
        return channel;
    }

    /** The adopted sockets start accepting (and receiving): this Weir is ready to share the traffic. */
    public synchronized void startAccepting() {
        adopted.forEach(ch -> ch.config().setAutoRead(true));
        adopted.clear();
    }

    private synchronized Inherited take(Handover.Kind kind, InetSocketAddress address) {
        for (int i = 0; i < inherited.size(); i++) {
            if (inherited.get(i).matches(kind, address)) {
                return inherited.remove(i);
            }
        }
        return null;
    }

    /**
     * Closes our copies of the handed-over sockets that no listener took (the new config dropped them): they
     * close for good once the old Weir lets go of its copy.
     */
    synchronized void closeUnused() {
        for (Inherited s : inherited) {
            log.info("the previous Weir's {} socket on {}:{} is not in this config; not taking it over",
                    s.kind().name().toLowerCase(), s.host(), s.port());
            try {
                new FileDescriptor(s.fd()).close();
            } catch (IOException e) {
                log.debug("closing handed-over fd {}: {}", s.fd(), e.toString());
            }
        }
        inherited.clear();
    }
}
