package io.weir.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.weir.config.AdminConfig;
import io.weir.runtime.ListenFailure;
import io.weir.runtime.ListenSockets;
import io.weir.runtime.ThrottledLog;
import io.weir.runtime.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The admin listener: a small HTTP/1.1 server for the admin API, /metrics, /healthz and /ready. A bearer
 * token (from the environment variable {@code token_env} names or the file {@code token_file} names, never
 * from the YAML) is required for every change, and for reads too when the listener is bound beyond loopback.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final ThrottledLog REFUSED = ThrottledLog.warn(log,
            "admin: {} {} from {} refused: missing or wrong token");

    private final Channel channel;
    private final DashboardStream stream;
    /** The bearer token's bytes; null: none configured. Swapped when a reload re-reads the token file. */
    private final AtomicReference<byte[]> token;

    private AdminServer(Channel channel, DashboardStream stream, AtomicReference<byte[]> token) {
        this.channel = channel;
        this.stream = stream;
        this.token = token;
    }

    static AdminServer start(AdminConfig config, AdminApi api, DashboardStream stream, String token,
                             EventLoopGroup group, Transport transport, ListenSockets sockets)
            throws InterruptedException {
        boolean loopback = isLoopback(config.listen().host());
        if (!loopback && token == null) {
            log.warn("admin listener {} is reachable beyond loopback and has no token (set admin.token_env or "
                    + "admin.token_file): every admin request will be refused", config.listen());
        }
        AtomicReference<byte[]> tokenRef = new AtomicReference<>(bytes(token));
        ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new Handler(api, stream, tokenRef, loopback));
                    }
                });
        Channel ch;
        try {
            ch = sockets.bindServer(bootstrap, transport,
                    new InetSocketAddress(config.listen().host(), config.listen().port()));
        } catch (ListenFailure e) {
            throw e.of("admin listener");
        }
        log.info("admin listening on {}", ch.localAddress());
        return new AdminServer(ch, stream, tokenRef);
    }

    /** Starts the admin listener of a running Weir. */
    public static AdminServer start(AdminConfig config, io.weir.runtime.Weir weir,
                                    io.weir.metrics.ProxyMetrics metrics, String token, EventLoopGroup group,
                                    Transport transport) throws InterruptedException {
        return start(config, weir, metrics, token, group, transport, ListenSockets.FRESH);
    }

    /** As above, taking the listening socket from {@code sockets} during an upgrade. */
    public static AdminServer start(AdminConfig config, io.weir.runtime.Weir weir,
                                    io.weir.metrics.ProxyMetrics metrics, String token, EventLoopGroup group,
                                    Transport transport, ListenSockets sockets) throws InterruptedException {
        DashboardStream stream = new DashboardStream(new DashboardSnapshot(weir));
        try {
            return start(config, new AdminApi(weir, metrics), stream, token, group, transport, sockets);
        } catch (RuntimeException | InterruptedException e) {
            stream.close();
            throw e;
        }
    }

    /** Replaces the bearer token (a reload re-read the token file or variable); null: none. */
    public void setToken(String next) {
        token.set(bytes(next));
    }

    private static byte[] bytes(String token) {
        return token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The listening socket (handed to a new Weir on upgrade). */
    public Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        stream.close();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final AdminApi api;
        private final DashboardStream stream;
        private final AtomicReference<byte[]> token;
        private final boolean loopback;

        Handler(AdminApi api, DashboardStream stream, AtomicReference<byte[]> token, boolean loopback) {
            this.api = api;
            this.stream = stream;
            this.token = token;
            this.loopback = loopback;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String method = request.method().name();
            String path = new QueryStringDecoder(request.uri()).path();
            boolean isRead = method.equals("GET") || method.equals("HEAD");
            // Probes (keepalived, a kubelet) carry no secret and learn nothing from these two.
            boolean probe = isRead && (path.equals("/healthz") || path.equals("/ready"));
            boolean needsToken = !isRead || (!loopback && !probe);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (needsToken && !authorised(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                REFUSED.log(method, path, ctx.channel().remoteAddress());
                respond(ctx, method, keepAlive,
                        api.error(401, "a valid bearer token is required (Authorization: Bearer <token>)"));
                return;
            }
            if (method.equals("GET") && path.equals("/api/events")) {
                stream.subscribe(ctx.channel());
                return;
            }
            String body = request.content().toString(StandardCharsets.UTF_8);
            // Changes may block (a reload binds listeners): they answer later, written back on this loop.
            api.handleAsync(method, path, body).whenComplete((answer, error) -> ctx.executor().execute(() ->
                    respond(ctx, method, keepAlive, error == null ? answer
                            : api.error(500, "internal error: " + error.getMessage()))));
        }

        private static void respond(ChannelHandlerContext ctx, String method, boolean keepAlive,
                                    AdminResponse answer) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(answer.status()),
                    method.equals("HEAD") ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
            if (answer.status() == 401) {
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            }
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private boolean authorised(String header) {
            byte[] expected = token.get();
            if (expected == null || header == null || !header.startsWith("Bearer ")) {
                return false;
            }
            // Constant-time comparison: the token must not leak through response timing.
            return MessageDigest.isEqual(expected, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
        }
    }
}
