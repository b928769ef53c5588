package io.weir.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP/2 server for tests (Netty's h2 codec, cleartext with prior knowledge or TLS with ALPN h2). It
 * records each request's HEADERS as they arrived (pseudo-headers included), body and trailers; counts the
 * connections it accepted and the most streams any one of them had open at once; can hold every response
 * until the test releases them, and can send GOAWAY on all its connections.
 */
public final class H2Backend implements AutoCloseable {

    /** What one stream carried. */
    public record Received(Http2Headers headers, String body, Http2Headers trailers, int connection) {
        public String header(String name) {
            CharSequence v = headers.get(name);
            return v == null ? null : v.toString();
        }
    }

    /** The answer: status, headers, body, and trailers (none when empty). */
    public record Reply(int status, Map<String, String> headers, String body, Map<String, String> trailers) {
        public static Reply text(String body) {
            return new Reply(200, Map.of("content-type", "text/plain"), body, Map.of());
        }

        public Reply withTrailers(Map<String, String> t) {
            return new Reply(status, headers, body, t);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final Function<Received, Reply> responder;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Channel> connections = new CopyOnWriteArrayList<>();
    private final Map<Channel, AtomicInteger> openStreams = new ConcurrentHashMap<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final AtomicInteger peakStreamsPerConnection = new AtomicInteger();
    private final List<Runnable> held = new CopyOnWriteArrayList<>();
    private volatile boolean holding;

    private H2Backend(Long maxConcurrentStreams, SslContext tls, Function<Received, Reply> responder)
            throws InterruptedException {
        this.responder = responder;
        H2Backend backend = this;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        int id = accepted.incrementAndGet();
                        connections.add(ch);
                        openStreams.put(ch, new AtomicInteger());
                        ch.closeFuture().addListener(f -> {
                            connections.remove(ch);
                            openStreams.remove(ch);
                        });
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        Http2Settings settings = Http2Settings.defaultSettings();
                        if (maxConcurrentStreams != null) {
                            settings.maxConcurrentStreams(maxConcurrentStreams);
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().initialSettings(settings).build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel stream) {
                                        stream.pipeline().addLast(backend.new StreamHandler(ch, id));
                                    }
                                }));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public static H2Backend start(Function<Received, Reply> responder) throws InterruptedException {
        return new H2Backend(null, null, responder);
    }

    public static H2Backend start(long maxConcurrentStreams, Function<Received, Reply> responder)
            throws InterruptedException {
        return new H2Backend(maxConcurrentStreams, null, responder);
    }

    /** h2 over TLS, with ALPN offering h2 only, presenting {@code cert} (signed by the test CA). */
    public static H2Backend startTls(Path cert, Path key, Function<Received, Reply> responder) throws Exception {
        SslContext tls = SslContextBuilder.forServer(cert.toFile(), key.toFile())
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
        return new H2Backend(null, tls, responder);
    }

    public String address() {
        return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    public List<Received> received() {
        return received;
    }

    /** Connections accepted since start. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    public int connectionsOpen() {
        return connections.size();
    }

    /** Streams whose request arrived and whose response has not been sent. */
    public int activeStreams() {
        return activeStreams.get();
    }

    public int peakStreamsPerConnection() {
        return peakStreamsPerConnection.get();
    }

    /** From now on, responses wait for {@link #releaseHeld()}. */
    public void hold() {
        holding = true;
    }

    public void releaseHeld() {
        holding = false;
        for (Runnable r : held) {
            held.remove(r);
            r.run();
        }
    }

    /** Sends GOAWAY (NO_ERROR) on every connection; streams already open finish, then the connections close. */
    public void goAwayAll() {
        for (Channel ch : connections) {
            ch.eventLoop().execute(ch::close);
        }
    }

    /** Closes every connection at once, streams in flight included. */
    public void killAll() {
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> {
                ch.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
                ch.unsafe().closeForcibly();
            });
        }
    }

    /** Sends a GOAWAY frame without closing: the client must stop opening streams here. */
    public void goAwayOnly() {
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> ch.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)));
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        for (Channel ch : connections) {
            ch.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        private final Channel connection;
        private final int connectionId;
        private Http2Headers headers;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        StreamHandler(Channel connection, int connectionId) {
            this.connection = connection;
            this.connectionId = connectionId;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    if (headers == null) {
                        headers = frame.headers();
                        AtomicInteger open = openStreams.get(connection);
                        if (open != null) {
                            int now = open.incrementAndGet();
                            peakStreamsPerConnection.accumulateAndGet(now, Math::max);
                        }
                        if (frame.isEndStream()) {
                            requestDone(ctx, new DefaultHttp2Headers());
                        }
                    } else {
                        requestDone(ctx, frame.headers());
                    }
                } else if (msg instanceof Http2DataFrame data) {
                    ByteBuf content = data.content();
                    body.writeBytes(ByteBufUtil.getBytes(content));
                    if (data.isEndStream()) {
                        requestDone(ctx, new DefaultHttp2Headers());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void requestDone(ChannelHandlerContext ctx, Http2Headers trailers) {
            Received r = new Received(headers, body.toString(StandardCharsets.UTF_8), trailers, connectionId);
            received.add(r);
            activeStreams.incrementAndGet();
            Runnable respond = () -> ctx.executor().execute(() -> respond(ctx, r));
            if (holding) {
                held.add(respond);
                if (!holding && held.remove(respond)) {
                    respond.run();
                }
            } else {
                respond.run();
            }
        }

        private void respond(ChannelHandlerContext ctx, Received r) {
            Reply reply = responder.apply(r);
            activeStreams.decrementAndGet();
            AtomicInteger open = openStreams.get(connection);
            if (open != null) {
                open.decrementAndGet();
            }
            Http2Headers h = new DefaultHttp2Headers().status(Integer.toString(reply.status()));
            reply.headers().forEach(h::add);
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            boolean trailers = !reply.trailers().isEmpty();
            if (bytes.length == 0 && !trailers) {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
                return;
            }
            ctx.write(new DefaultHttp2HeadersFrame(h, false));
            if (bytes.length > 0) {
                ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), !trailers));
            }
            if (trailers) {
                Http2Headers t = new DefaultHttp2Headers();
                reply.trailers().forEach(t::add);
                ctx.write(new DefaultHttp2HeadersFrame(t, true));
            }
            ctx.flush();
        }
    }
}
