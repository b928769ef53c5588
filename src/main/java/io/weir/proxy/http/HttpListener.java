package io.weir.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.weir.config.ListenerConfig;
import io.weir.proxy.AcceptingSocket;
import io.weir.proxy.l4.Tunnels;
import io.weir.runtime.ListenSockets;

import java.net.InetSocketAddress;

/** Binds an http listener and sets up the pipeline of each downstream connection it accepts. */
public final class HttpListener {

    /** Swapped whole on a reload that changed the listener's settings; each new connection reads it once. */
    private volatile HttpListenerContext context;
    private final AcceptingSocket socket = new AcceptingSocket();

    public HttpListener(HttpListenerContext context) {
        this.context = context;
    }

    public HttpListenerContext context() {
        return context;
    }

    /**
     * A reload changed the listener's settings but not its address: connections accepted from now on get
     * {@code next} (its timeouts, limits, TLS, HTTP/2 settings and routes), on the same listening socket, so no
     * client is refused meanwhile. Connections already open keep the settings they started with.
     */
    public void reconfigure(HttpListenerContext next) {
        context = next;
        socket.limit(next.config().maxConnections());
    }

    /** Binds and returns the bound address (the port is the real one when the config said 0). */
    public InetSocketAddress bind(EventLoopGroup boss, EventLoopGroup workers) throws InterruptedException {
        return bind(boss, workers, ListenSockets.FRESH);
    }

    /** As {@link #bind(EventLoopGroup, EventLoopGroup)}, taking the socket from {@code sockets} (an upgrade). */
    public InetSocketAddress bind(EventLoopGroup boss, EventLoopGroup workers, ListenSockets sockets)
            throws InterruptedException {
        HttpListenerContext bound = context;
        return socket.bind(boss, workers, sockets, bound.config(), bound.transport(), ch -> {
            HttpListenerContext context = this.context;
            ListenerConfig config = context.config();
            long headerTimeout = config.requestHeaderTimeout().toNanos();
            long idleTimeout = config.idleTimeout().toNanos();
            boolean http2 = config.http2().enabled();
            ChannelPipeline p = ch.pipeline();
            if (context.tls() != null) {
                // Replaced by the SslHandler for the certificate the client's SNI names.
                context.tls().addTo(p);
                if (http2) {
                    p.addLast(new AlpnSwitch(context));
                }
            }
            // HTTP/1.1 until the connection shows it speaks HTTP/2 (ALPN, or the preface).
            DownstreamTimeouts timeouts = new DownstreamTimeouts(headerTimeout, idleTimeout);
            p.addLast(timeouts);
            if (http2 && context.tls() == null) {
                p.addLast(new CleartextPreface(context));
            }
            StrictRequestDecoder decoder = new StrictRequestDecoder(config.maxRequestLine(), config.maxHeaderSize());
            DownstreamResponseEncoder encoder = new DownstreamResponseEncoder();
            p.addLast(decoder, encoder);
            if (http2 && config.http2().h2cUpgrade() && context.tls() == null) {
                p.addLast(H2cUpgrade.handler(context));
            }
            p.addLast(new ReadAhead(), new DownstreamHandler(context, timeouts, decoder, encoder));
        });
    }

    /** The listening socket (handed to a new Weir on upgrade). */
    public Channel channel() {
        return socket.channel();
    }

    /**
     * Asks every open connection to close once its request in flight is answered (idle ones after a short grace);
     * an HTTP/2 connection sends GOAWAY and closes when its streams in flight have finished; a WebSocket tunnel
     * is left to end on its own.
     * Call after {@link #unbind}; the future completes when every one of them has closed.
     */
    public ChannelGroupFuture closeGracefully() {
        ChannelGroupFuture closed = socket.closed();
        for (Channel ch : socket.connections()) {
            ch.eventLoop().execute(() -> {
                DownstreamHandler handler = ch.pipeline().get(DownstreamHandler.class);
                if (handler != null) {
                    handler.closeGracefully();
                } else if (!Tunnels.isTunnel(ch)) {
                    // HTTP/2: the frame codec's close is the graceful one (GOAWAY, then wait for the streams).
                    // An open WebSocket is left alone: like a request in flight, it goes on until it ends or the
                    // shutdown's timeout cuts it.
                    ch.close();
                }
            });
        }
        return closed;
    }

    /** Downstream connections open now. */
    public int openConnections() {
        return socket.connections().size();
    }

    /** Stops accepting; open connections are left to finish. */
    public void unbind() {
        socket.unbind();
    }
}
