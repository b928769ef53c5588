package io.weir.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A real HTTP/1.1 server for tests: records every request it receives (head, body, trailers) and answers
 * with whatever the test's responder says, including large streamed bodies written with backpressure.
 */
public final class TestBackend implements AutoCloseable {

    /** What the backend received. Bodies over 1 MiB are counted, not kept. */
    public record Received(String method, String uri, HttpVersion version, HttpHeaders headers, byte[] body,
                           long bodyLength, HttpHeaders trailers, int connectionId) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The answer: a status, headers, and a body given whole or as a length to stream. */
    public record Reply(int status, HttpHeaders headers, byte[] body, long streamBytes, boolean chunked,
                        HttpHeaders trailers) {
        public static Reply text(String body) {
            return of(200, body);
        }

        public static Reply of(int status, String body) {
            return new Reply(status, new DefaultHttpHeaders(), body.getBytes(StandardCharsets.UTF_8), -1, false, null);
        }

        public static Reply stream(long bytes) {
            return new Reply(200, new DefaultHttpHeaders(), null, bytes, false, null);
        }

        public Reply header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        public Reply asChunked() {
            return new Reply(status, headers, body, streamBytes, true, trailers);
        }

        public Reply withTrailer(String name, String value) {
            HttpHeaders t = trailers == null ? new DefaultHttpHeaders() : trailers;
            t.add(name, value);
            return new Reply(status, headers, body, streamBytes, true, t);
        }
    }

    private static final int KEEP_LIMIT = 1 << 20;

    private final EventLoopGroup group;
    private final Channel server;
    private final Function<Received, Reply> responder;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicLong bodyBytesStreamed = new AtomicLong();
    private volatile boolean reading = true;
    private final List<Channel> children = new CopyOnWriteArrayList<>();

    private TestBackend(Function<Received, Reply> responder) throws InterruptedException {
        this(0, responder);
    }

    private TestBackend(int port, Function<Received, Reply> responder) throws InterruptedException {
        this(port, responder, null);
    }

    private TestBackend(int port, Function<Received, Reply> responder, io.netty.handler.ssl.SslContext tls)
            throws InterruptedException {
        this.responder = responder;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        children.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                                new Handler(connections.incrementAndGet()));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    public static TestBackend start(Function<Received, Reply> responder) throws InterruptedException {
        return new TestBackend(responder);
    }

    /** A backend on a given port: one that "comes back" where a closed one was. */
    public static TestBackend start(int port, Function<Received, Reply> responder) throws InterruptedException {
        return new TestBackend(port, responder);
    }

    /** A backend that speaks HTTPS with {@code tls}. */
    public static TestBackend startTls(io.netty.handler.ssl.SslContext tls, Function<Received, Reply> responder)
            throws InterruptedException {
        return new TestBackend(0, responder, tls);
    }

    /** A backend answering "NAME" to every request, for balancing tests. */
    public static TestBackend named(String name) throws InterruptedException {
        return start(r -> Reply.text(name).header("x-backend", name));
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public List<Received> received() {
        return received;
    }

    public Received last() {
        return received.get(received.size() - 1);
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** TCP connections closed so far (by either side). */
    public int closedConnections() {
        return closed.get();
    }

    /**
     * TCP connections still open. Once a connection is closed the backend has processed every byte that came
     * on it, so "no open connections and nothing received" means nothing ever arrived whole.
     */
    public long openConnections() {
        return children.stream().filter(Channel::isActive).count();
    }

    /** Body bytes that streamed requests carried so far, counted as they arrive. */
    public long bodyBytesStreamed() {
        return bodyBytesStreamed.get();
    }

    /** Stops or resumes reading request bodies from every connection (to test upload backpressure). */
    public void setReading(boolean on) {
        reading = on;
        for (Channel ch : children) {
            ch.eventLoop().execute(() -> {
                ch.config().setAutoRead(on);
                if (on) {
                    ch.read();
                }
            });
        }
    }

    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        server.close().syncUninterruptibly();
        // Like a process that dies: its connections close (the kernel would send FIN/RST), they don't hang.
        for (Channel ch : children) {
            ch.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final int connectionId;
        private HttpRequest request;
        private ByteArrayOutputStream body;
        private long bodyLength;

        Handler(int connectionId) {
            this.connectionId = connectionId;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(reading);
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.incrementAndGet();
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest r) {
                request = r;
                body = new ByteArrayOutputStream();
                bodyLength = 0;
            }
            if (msg instanceof HttpContent c) {
                ByteBuf buf = c.content();
                bodyLength += buf.readableBytes();
                bodyBytesStreamed.addAndGet(buf.readableBytes());
                if (body.size() < KEEP_LIMIT) {
                    body.writeBytes(ByteBufUtil.getBytes(buf));
                }
                if (c instanceof LastHttpContent last) {
                    HttpHeaders trailers = last.trailingHeaders().copy();
                    Received rec = new Received(request.method().name(), request.uri(), request.protocolVersion(),
                            request.headers().copy(), body.toByteArray(), bodyLength, trailers, connectionId);
                    received.add(rec);
                    respond(ctx, rec, HttpUtil.isKeepAlive(request));
                }
                c.release();
            }
        }

        private void respond(ChannelHandlerContext ctx, Received rec, boolean keepAlive) {
            Reply reply = responder.apply(rec);
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()));
            response.headers().add(reply.headers());
            boolean head = rec.method().equals("HEAD");
            long length = reply.body() != null ? reply.body().length : reply.streamBytes();
            if (reply.chunked()) {
                HttpUtil.setTransferEncodingChunked(response, true);
            } else if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                    && reply.status() != 204 && reply.status() != 304) {
                HttpUtil.setContentLength(response, length);
            }
            if (!keepAlive) {
                HttpUtil.setKeepAlive(response, false);
            }
            ctx.write(response);
            if (head || reply.status() == 204 || reply.status() == 304) {
                finish(ctx, LastHttpContent.EMPTY_LAST_CONTENT, keepAlive);
            } else if (reply.body() != null) {
                ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(reply.body())));
                finish(ctx, reply.trailers() == null ? LastHttpContent.EMPTY_LAST_CONTENT
                        : trailerOf(reply.trailers()), keepAlive);
            } else {
                new Streamer(ctx, reply.streamBytes(), keepAlive).run();
            }
        }

        private LastHttpContent trailerOf(HttpHeaders trailers) {
            LastHttpContent last = new DefaultLastHttpContent();
            last.trailingHeaders().add(trailers);
            return last;
        }

        private void finish(ChannelHandlerContext ctx, LastHttpContent last, boolean keepAlive) {
            if (keepAlive) {
                ctx.writeAndFlush(last);
            } else {
                ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** Writes a large body in 64 KiB pieces, only while the channel is writable. */
        private final class Streamer implements Runnable {
            private static final byte[] PIECE = new byte[64 * 1024];
            private final ChannelHandlerContext ctx;
            private final boolean keepAlive;
            private long left;

            Streamer(ChannelHandlerContext ctx, long bytes, boolean keepAlive) {
                this.ctx = ctx;
                this.left = bytes;
                this.keepAlive = keepAlive;
            }

            @Override
            public void run() {
                while (left > 0 && ctx.channel().isWritable()) {
                    int n = (int) Math.min(PIECE.length, left);
                    left -= n;
                    bodyBytesWritten.addAndGet(n);
                    ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(PIECE, 0, n)));
                }
                if (left == 0) {
                    ctx.flush();
                    finish(ctx, LastHttpContent.EMPTY_LAST_CONTENT, keepAlive);
                    return;
                }
                // Registered before the flush: a flush that drains the buffer fires the writability event at once.
                pendingStreamer = this;
                ctx.flush();
                if (ctx.channel().isWritable() && pendingStreamer == this) {
                    pendingStreamer = null;
                    ctx.executor().execute(this);
                }
            }
        }

        private Streamer pendingStreamer;

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && pendingStreamer != null) {
                Streamer s = pendingStreamer;
                pendingStreamer = null;
                s.run();
            }
            ctx.fireChannelWritabilityChanged();
        }
    }

    private final AtomicLong bodyBytesWritten = new AtomicLong();

    /** Response body bytes handed to the socket so far by streamed replies. */
    public long responseBytesWritten() {
        return bodyBytesWritten.get();
    }
}
