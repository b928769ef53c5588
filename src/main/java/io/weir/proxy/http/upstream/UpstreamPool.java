package io.weir.proxy.http.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.weir.cluster.Endpoint;
import io.weir.config.ClusterConfig;
import io.weir.runtime.LoopClock;
import io.weir.runtime.Transport;
import io.weir.tls.UpstreamTls;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Idle HTTP/1.1 connections to one endpoint, owned by one event loop: connections never cross threads,
 * so nothing here is locked. Most recently used first, so a quiet period lets the oldest time out.
 */
final class UpstreamPool implements UpstreamHome {

    private final EventLoop loop;
    private final Endpoint endpoint;
    private final Bootstrap bootstrap;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    /** Every open connection of this pool, idle or busy: a drain that times out closes them all. */
    private final Set<UpstreamConnection> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private ScheduledFuture<?> sweeper;

    UpstreamPool(EventLoop loop, Endpoint endpoint, ClusterConfig cluster, Transport transport) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.maxIdle = cluster.poolMaxIdle();
        this.idleTimeoutNanos = cluster.poolIdleTimeout().toNanos();
        UpstreamPool pool = this;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(transport::newSocketChannel)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) cluster.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (cluster.tls().isPresent()) {
                            ch.pipeline().addLast(UpstreamTls.newHandler(cluster.tls().get(), ch.alloc(),
                                    endpoint.address().getHostString(), endpoint.address().getPort()));
                        }
                        ch.pipeline().addLast(new UpstreamHttpCodec());
                        ch.pipeline().addLast(new UpstreamConnection(endpoint, pool));
                    }
                });
    }

    /** Calls back {@code listener} with a live connection, pooled if one is idle, else a new one. */
    void acquire(UpstreamListener listener) {
        UpstreamConnection conn;
        while ((conn = idle.pollFirst()) != null) {
            if (conn.channel().isActive()) {
                conn.bind(listener, true);
                listener.upstreamReady(conn);
                return;
            }
        }
        ChannelFuture connect = bootstrap.connect(endpoint.address());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                UpstreamConnection fresh = connect.channel().pipeline().get(UpstreamConnection.class);
                if (connect.channel().isActive()) {
                    open.add(fresh);
                }
                fresh.bind(listener, false);
                listener.upstreamReady(fresh);
            } else {
                listener.upstreamConnectFailed(f.cause());
            }
        });
    }

    /** A fresh connection that starts with {@code proxyHeader} and is never pooled (see UpstreamPools). */
    void acquirePrivate(ByteBuf proxyHeader, UpstreamListener listener) {
        ChannelFuture connect = bootstrap.connect(endpoint.address());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                UpstreamConnection fresh = connect.channel().pipeline().get(UpstreamConnection.class);
                fresh.bind(listener, false);
                fresh.makePrivate();
                // Below the HTTP codec, which takes only HTTP messages; flushed with the request written next.
                connect.channel().pipeline().firstContext().write(proxyHeader, connect.channel().voidPromise());
                listener.upstreamReady(fresh);
            } else {
                proxyHeader.release();
                listener.upstreamConnectFailed(f.cause());
            }
        });
    }

    @Override
    public void opened(UpstreamConnection conn) {
        endpoint.connectionOpened();
    }

    @Override
    public void closed(UpstreamConnection conn) {
        endpoint.connectionClosed();
        remove(conn);
    }

    @Override
    public void release(UpstreamConnection conn) {
        Channel ch = conn.channel();
        // A draining endpoint's connections close as their exchanges end: nothing new will use them; a private
        // connection carries one client's PROXY header, so no other client may inherit it.
        if (!ch.isActive() || idle.size() >= maxIdle || endpoint.isDraining() || conn.isPrivate()) {
            ch.close();
            return;
        }
        conn.idleSinceNanos = LoopClock.nanoTime();
        idle.addFirst(conn);
        // Keep a read pending so a close by the upstream is noticed while the connection is idle.
        ch.read();
        if (sweeper == null) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), idleTimeoutNanos / 2);
            sweeper = loop.scheduleAtFixedRate(this::closeExpired, period, period, TimeUnit.NANOSECONDS);
        }
    }

    void remove(UpstreamConnection conn) {
        idle.remove(conn);
        open.remove(conn);
    }

    /** Open connections, idle or busy. */
    int openCount() {
        return open.size();
    }

    /** Closes every connection, those serving an exchange included (their exchanges see the close). */
    void closeOpen() {
        closeAll();
        for (UpstreamConnection conn : List.copyOf(open)) {
            conn.channel().close();
        }
    }

    int idleCount() {
        return idle.size();
    }

    private void closeExpired() {
        long now = LoopClock.nanoTime();
        UpstreamConnection oldest;
        while ((oldest = idle.peekLast()) != null && now - oldest.idleSinceNanos >= idleTimeoutNanos) {
            idle.pollLast();
            oldest.channel().close();
        }
        if (idle.isEmpty() && sweeper != null) {
            sweeper.cancel(false);
            sweeper = null;
        }
    }

    void closeAll() {
        UpstreamConnection conn;
        while ((conn = idle.pollFirst()) != null) {
            conn.channel().close();
        }
        if (sweeper != null) {
            sweeper.cancel(false);
            sweeper = null;
        }
    }
}
