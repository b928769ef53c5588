package io.weir.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.weir.config.ListenerConfig;
import io.weir.runtime.ListenSockets;
import io.weir.runtime.Transport;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The listening socket of an http or tcp listener and the downstream connections it accepted: what both kinds
 * bind, count, wait for and unbind alike. What a connection's pipeline holds is the listener's own business.
 */
public final class AcceptingSocket {

    private Channel serverChannel;
    /**
     * On the server channel even without a cap: a reload can set one ({@link #limit}) on the socket it keeps, and
     * the count must then include the connections already open.
     */
    private ConnectionLimiter limiter;
    /** Open downstream connections, for shutdown; a closed channel leaves the group by itself. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /**
     * Binds {@code config}'s address (or adopts the socket {@code sockets} hands over on an upgrade) and returns
     * the bound address (the real port when the config said 0). Each accepted connection starts with reads off
     * (nothing is read before its handlers ask), half-closure allowed (an HTTP client that shuts its sending side
     * is still answered; a TCP FIN passes on as a FIN; {@link HalfClosure} first in the pipeline) and Nagle off;
     * {@code setUp} then builds the rest of its pipeline.
     */
    public InetSocketAddress bind(EventLoopGroup boss, EventLoopGroup workers, ListenSockets sockets,
                                  ListenerConfig config, Transport transport, Consumer<Channel> setUp)
            throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(HalfClosure.INSTANCE);
                        setUp.accept(ch);
                    }
                });
        // On the server channel: it counts where connections are accepted (see ConnectionLimiter).
        limiter = new ConnectionLimiter(config.maxConnections());
        bootstrap.handler(limiter);
        InetSocketAddress address = new InetSocketAddress(config.listen().host(), config.listen().port());
        serverChannel = sockets.bindServer(bootstrap, transport, address);
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Caps the open connections at {@code max} from now on (0: no cap), on the socket as it is: a reload. Returns
     * once the cap holds, so that a connection accepted after the reload is counted against it.
     */
    public void limit(int max) {
        Channel server = serverChannel;
        if (server.eventLoop().inEventLoop()) {
            limiter.setMax(server, max);
        } else {
            server.eventLoop().submit(() -> limiter.setMax(server, max)).syncUninterruptibly();
        }
    }

    /** The listening socket (handed to a new Weir on upgrade). */
    public Channel channel() {
        return serverChannel;
    }

    public ChannelGroup connections() {
        return connections;
    }

    /** Completes when every connection open now has closed. */
    public ChannelGroupFuture closed() {
        return connections.newCloseFuture();
    }

    /** Stops accepting; open connections are left to finish. */
    public void unbind() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
