package io.weir.proxy.l4;

import io.netty.channel.Channel;

import java.time.Duration;

/**
 * Opaque byte tunnels between two connected channels of one event loop, for what stops being HTTP after a
 * handshake (a WebSocket after its 101): the same relay as a tcp listener's, in copy mode, with half-close
 * and reset passed through.
 */
public final class Tunnels {

    private Tunnels() {
    }

    /** Whether {@code ch} has become one end of a tunnel. */
    public static boolean isTunnel(Channel ch) {
        return ch.pipeline().get(Relay.class) != null;
    }

    /**
     * Relays bytes both ways from now on. The relays are added at the end of both pipelines first, then
     * {@code removeCodecs} runs: bytes a removed decoder still held flow on into the relay, not into the void.
     */
    public static void open(Channel downstream, Channel upstream, Duration idleTimeout, Runnable removeCodecs) {
        TcpSession session = new TcpSession(downstream, upstream);
        downstream.pipeline().addLast(new Relay(session));
        upstream.pipeline().addLast(new Relay(session));
        removeCodecs.run();
        session.copy(false);
        // A tunnel with no traffic either way for this long is closed, like an idle tcp connection.
        IdleTimer.watch(session, idleTimeout.toNanos());
    }
}
