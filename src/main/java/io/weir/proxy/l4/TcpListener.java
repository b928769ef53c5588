package io.weir.proxy.l4;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.weir.cluster.ClusterManager;
import io.weir.config.ListenerConfig;
import io.weir.proxy.ConnectionLimiter;
import io.weir.runtime.ListenSockets;
import io.weir.runtime.Transport;

import java.net.InetSocketAddress;

/** Binds a tcp listener and sets up the pipeline of each downstream connection it accepts. */
public final class TcpListener {

    /** Swapped on reload when the clusters change; each new connection reads it once. */
    private volatile TcpListenerContext context;
    private Channel serverChannel;
    /** Open downstream connections, waited for on shutdown; a closed channel leaves the group by itself. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

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
        ListenerConfig config = context.config();
        ConnectionLimiter limiter = config.maxConnections() > 0 ? new ConnectionLimiter(config.maxConnections()) : null;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                // Nothing is read from a downstream before its upstream is connected (or a preamble asks).
                .childOption(ChannelOption.AUTO_READ, false)
                // A FIN from one side becomes a FIN on the other, not a close of both.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        TcpListenerContext context = TcpListener.this.context;
                        ChannelPipeline p = ch.pipeline();
                        ConnectionRecord.start(ch, config.name(), context.observer());
                        // The PROXY header comes first on the wire, then the ClientHello.
                        if (context.proxyProtocolSources() != null) {
                            p.addLast(new ProxyProtocolReader(context.proxyProtocolSources(),
                                    config.preambleTimeout().toNanos()));
                        }
                        if (context.sni() != null) {
                            p.addLast(new SniRouter(context.sni(), config.preambleTimeout().toNanos()));
                        }
                        p.addLast(new TcpFrontend(context));
                    }
                });
        if (limiter != null) {
            // On the server channel: it counts where connections are accepted (see ConnectionLimiter).
            bootstrap.handler(limiter);
        }
        InetSocketAddress address = new InetSocketAddress(config.listen().host(), config.listen().port());
        serverChannel = sockets.bindServer(bootstrap, context.transport(), address);
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The listening socket (handed to a new Weir on upgrade). */
    public Channel channel() {
        return serverChannel;
    }

    /**
     * Completes when every open connection has closed. A byte stream has no request to finish, so none is
     * asked to close: shutdown waits for the peers, up to its timeout, then cuts what is left.
     */
    public ChannelGroupFuture closed() {
        return connections.newCloseFuture();
    }

    /** Downstream connections open now. */
    public int openConnections() {
        return connections.size();
    }

    /** Stops accepting; open connections are left to finish. */
    public void unbind() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
