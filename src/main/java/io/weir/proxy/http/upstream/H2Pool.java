package io.weir.proxy.http.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.weir.cluster.Endpoint;
import io.weir.config.ClusterConfig;
import io.weir.runtime.Transport;
import io.weir.tls.UpstreamTls;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The h2 connections of one event loop to one endpoint ({@code protocol: h2}). A request takes a new stream on
 * the first connection with room under the endpoint's SETTINGS_MAX_CONCURRENT_STREAMS; when every connection is
 * full, another one opens. So a loop usually holds one connection per endpoint, however many requests it runs.
 */
final class H2Pool {

    /** Each stream's receive window: what Weir holds for a stream whose client reads slowly. */
    static final int STREAM_WINDOW = 256 * 1024;
    /** The connection's receive window, well above one stream's, so a few slow streams do not stall the rest. */
    static final int CONNECTION_WINDOW = 32 * 1024 * 1024;
    /** The default connection window every h2 connection starts with (RFC 9113 §6.9.2). */
    private static final int INITIAL_CONNECTION_WINDOW = 65_535;
    /** Response header list limit, as the HTTP/1.1 pool's header size limit. */
    private static final long MAX_HEADER_LIST = 64 * 1024;

    private final Endpoint endpoint;
    private final Bootstrap bootstrap;
    private final ClusterConfig cluster;
    /** Connections that take (or will take) new streams: connecting or ready, oldest first. */
    private final List<H2Connection> usable = new ArrayList<>();
    /** Every connection not yet closed, retired ones included. */
    private final Set<H2Connection> open = Collections.newSetFromMap(new IdentityHashMap<>());

    H2Pool(EventLoop loop, Endpoint endpoint, ClusterConfig cluster, Transport transport) {
        this.endpoint = endpoint;
        this.cluster = cluster;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(transport::newSocketChannel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) cluster.connectTimeout().toMillis());
    }

    /** Calls back {@code listener} with a new stream, once a connection has room for it. */
    void acquire(UpstreamListener listener) {
        H2Connection connecting = null;
        for (H2Connection c : usable) {
            if (c.hasCapacity()) {
                c.open(listener);
                return;
            }
            if (connecting == null && c.connecting()) {
                connecting = c;
            }
        }
        if (connecting != null) {
            connecting.enqueue(listener);
        } else {
            connect(List.of(listener), false);
        }
    }

    /** One new connection for requests whose connection closed before it was ready; it is their last. */
    void connectAgain(List<UpstreamListener> listeners) {
        connect(listeners, true);
    }

    private void connect(List<UpstreamListener> first, boolean secondTry) {
        H2Connection conn = new H2Connection(this, endpoint, cluster.poolIdleTimeout().toNanos(),
                cluster.connectTimeout().toNanos(), CONNECTION_WINDOW - INITIAL_CONNECTION_WINDOW, secondTry);
        // Parked before the connect starts: a connect that fails at once reports to them.
        first.forEach(conn::enqueue);
        usable.add(conn);
        open.add(conn);
        ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (cluster.tls().isPresent()) {
                    p.addLast(UpstreamTls.newHandler(cluster.tls().get(), ch.alloc(),
                            endpoint.address().getHostString(), endpoint.address().getPort(), true));
                }
                p.addLast(Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings()
                                .pushEnabled(false)
                                .initialWindowSize(STREAM_WINDOW)
                                .maxHeaderListSize(MAX_HEADER_LIST))
                        // A SETTINGS that lowers the limit while streams open: queue them rather than break it.
                        .encoderEnforceMaxConcurrentStreams(true)
                        .build());
                p.addLast(new Http2MultiplexHandler(new RefusePushedStreams()));
                p.addLast(conn);
            }
        }).connect(endpoint.address());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                conn.connectFailed(f.cause());
            }
        });
    }

    void retired(H2Connection conn) {
        usable.remove(conn);
    }

    void closed(H2Connection conn) {
        usable.remove(conn);
        open.remove(conn);
    }

    /** Closes the connections that carry no stream (a draining endpoint); busy ones close with their last stream. */
    void closeIdle() {
        for (H2Connection conn : List.copyOf(open)) {
            if (conn.activeStreams() == 0 && !conn.connecting()) {
                conn.close();
            }
        }
    }

    /** Closes every connection; their streams' exchanges see the close. */
    void closeAll() {
        for (H2Connection conn : List.copyOf(open)) {
            conn.close();
        }
    }

    int openCount() {
        return open.size();
    }

    /** Server push is off in our SETTINGS; a stream the endpoint opens anyway is closed at once. */
    private static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.channel().close();
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    }
}
