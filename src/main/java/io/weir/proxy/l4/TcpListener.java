package io.weir.proxy.l4;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.weir.cluster.ClusterManager;
import io.weir.config.ListenerConfig;
import io.weir.proxy.AcceptingSocket;
import io.weir.runtime.ListenSockets;
import io.weir.runtime.Transport;

import java.net.InetSocketAddress;

/** Binds a tcp listener and sets up the pipeline of each downstream connection it accepts. */
public final class TcpListener {

    /** Swapped on reload when the clusters change; each new connection reads it once. */
    private volatile TcpListenerContext context;
    private final AcceptingSocket socket = new AcceptingSocket();

    public TcpListener(ListenerConfig config, Transport transport, ClusterManager clusters) {
        this.context = TcpListenerContext.of(config, transport, clusters);
    }

    /**
     * After a reload that left this listener's config as it was: new connections use {@code clusters} (the
     * rebuilt ones); connections already open finish on the clusters they started with.
     */
    public void update(ClusterManager clusters) {
        TcpListenerContext c = context;
        context = TcpListenerContext.of(c.config(), c.transport(), clusters, c.observer());
    }

    /**
     * A reload changed the listener's settings but not its address: connections accepted from now on get
     * {@code next} (its timeouts, limits, SNI routes, PROXY protocol settings) on the same listening socket, so no
     * client is refused meanwhile. Connections already open keep what they started with.
     */
    public void reconfigure(ListenerConfig next, ClusterManager clusters) {
        TcpListenerContext c = context;
        context = TcpListenerContext.of(next, c.transport(), clusters, c.observer());
        socket.limit(next.maxConnections());
    }

    /** Reports each connection as it ends (the L4 access log); set before {@link #bind}. */
    public void observeConnections(ConnectionObserver observer) {
        TcpListenerContext c = context;
        context = TcpListenerContext.of(c.config(), c.transport(), c.clusters(), observer);
    }

    /** Binds and returns the bound address (the port is the real one when the config said 0). */
    public InetSocketAddress bind(EventLoopGroup boss, EventLoopGroup workers) throws InterruptedException {
        return bind(boss, workers, ListenSockets.FRESH);
    }

    /** As {@link #bind(EventLoopGroup, EventLoopGroup)}, taking the socket from {@code sockets} (an upgrade). */
    public InetSocketAddress bind(EventLoopGroup boss, EventLoopGroup workers, ListenSockets sockets)
            throws InterruptedException {
        TcpListenerContext bound = context;
        return socket.bind(boss, workers, sockets, bound.config(), bound.transport(), ch -> {
            TcpListenerContext context = this.context;
            ListenerConfig config = context.config();
            ChannelPipeline p = ch.pipeline();
            ConnectionRecord.start(ch, config.name(), context.observer());
            // The PROXY header comes first on the wire, then the ClientHello.
            if (context.proxyProtocolSources() != null) {
                p.addLast(new ProxyProtocolReader(context.proxyProtocolSources(), config.preambleTimeout().toNanos()));
            }
            if (context.sni() != null) {
                p.addLast(new SniRouter(context.sni(), config.preambleTimeout().toNanos()));
            }
            p.addLast(new TcpFrontend(context));
        });
    }

    /** The listening socket (handed to a new Weir on upgrade). */
    public Channel channel() {
        return socket.channel();
    }

    /**
     * Completes when every open connection has closed. A byte stream has no request to finish, so none is
     * asked to close: shutdown waits for the peers, up to its timeout, then cuts what is left.
     */
    public ChannelGroupFuture closed() {
        return socket.closed();
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
