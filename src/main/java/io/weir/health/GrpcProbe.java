package io.weir.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.weir.cluster.Endpoint;
import io.weir.config.HealthCheckConfig;
import io.weir.config.RouteConfig;
import io.weir.config.UpstreamTlsConfig;
import io.weir.tls.UpstreamTls;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code type: grpc}: one {@code grpc.health.v1.Health/Check} call on a fresh h2 connection (h2c with prior
 * knowledge, or TLS with ALPN h2 when the cluster has {@code tls}); the endpoint passes when the call ends with
 * grpc-status 0 and the answer is SERVING.
 */
final class GrpcProbe extends ChannelProbe {

    private static final String[] GRPC_CODES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED"};

    private final Endpoint endpoint;
    private final Optional<UpstreamTlsConfig> tls;

    GrpcProbe(Bootstrap bootstrap, Endpoint endpoint, HealthCheckConfig config, Optional<UpstreamTlsConfig> tls) {
        super(bootstrap, config);
        this.endpoint = endpoint;
        this.tls = tls;
    }

    @Override
    public void start(Consumer<ProbeResult> done) {
        Verdict verdict = new Verdict(done);
        ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                tls.ifPresent(t -> ch.pipeline().addLast(UpstreamTls.newHandler(t, ch.alloc(),
                        endpoint.address().getHostString(), endpoint.address().getPort(), true)));
                ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                        new ConnectionHandler(verdict));
            }
        }).connect(endpoint.address());
        channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                verdict.fail(Reasons.of(f.cause(), config.timeout()));
                return;
            }
            new Http2StreamChannelBootstrap(connect.channel()).handler(new CallHandler(verdict)).open()
                    .addListener((Future<Http2StreamChannel> s) -> {
                        if (!s.isSuccess()) {
                            verdict.fail(Reasons.of(s.cause(), config.timeout()));
                        }
                    });
        });
    }

    private Http2Headers requestHeaders() {
        Http2Headers h = new DefaultHttp2Headers()
                .method("POST")
                .scheme(tls.isPresent() ? "https" : "http")
                .path(GrpcHealthMessages.PATH)
                .authority(config.host().orElse(endpoint.id()));
        h.add("content-type", "application/grpc");
        h.add("te", "trailers");
        h.add("user-agent", "weir-health-check");
        // The server may give up at the probe's own deadline: a late answer is a failure anyway.
        h.add("grpc-timeout", Math.max(1, config.timeout().toMillis()) + "m");
        for (RouteConfig.Header extra : config.headers()) {
            h.add(extra.name().toLowerCase(Locale.ROOT), extra.value());
        }
        return h;
    }

    private static String grpcStatus(CharSequence code, CharSequence message) {
        String name;
        try {
            int n = Integer.parseInt(code.toString());
            name = n >= 0 && n < GRPC_CODES.length ? n + " " + GRPC_CODES[n] : Integer.toString(n);
        } catch (NumberFormatException e) {
            name = "'" + code + "'";
        }
        String text = message == null ? "" : ": " + QueryStringDecoder.decodeComponent(message.toString(),
                StandardCharsets.UTF_8);
        return "grpc-status " + name + text;
    }

    /** Reports the first result once and closes the connection. */
    private final class Verdict {
        private final Consumer<ProbeResult> done;
        private boolean given;

        Verdict(Consumer<ProbeResult> done) {
            this.done = done;
        }

        void pass(String detail) {
            give(ProbeResult.pass(detail));
        }

        void fail(String detail) {
            give(ProbeResult.fail(detail));
        }

        private void give(ProbeResult result) {
            if (!given) {
                given = true;
                done.accept(result);
                if (channel != null) {
                    channel.close();
                }
            }
        }
    }

    /** The connection: a TLS peer that will not speak h2, an error, or a close before the answer. */
    private final class ConnectionHandler extends ChannelInboundHandlerAdapter {
        private final Verdict verdict;

        ConnectionHandler(Verdict verdict) {
            this.verdict = verdict;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
                String alpn = ctx.pipeline().get(SslHandler.class).applicationProtocol();
                if (alpn != null && !alpn.equals(ApplicationProtocolNames.HTTP_2)) {
                    verdict.fail("ALPN chose " + alpn + ", not h2");
                }
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // SETTINGS, PING, GOAWAY: the codec has acted on them
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            verdict.fail(Reasons.of(cause, config.timeout()));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            verdict.fail("connection closed before an answer");
        }
    }

    /** The Check call on its stream. */
    private final class CallHandler extends ChannelInboundHandlerAdapter {
        private final Verdict verdict;
        private ByteBuf body;
        private boolean headersSeen;

        CallHandler(Verdict verdict) {
            this.verdict = verdict;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.write(new DefaultHttp2HeadersFrame(requestHeaders()));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(GrpcHealthMessages.request(ctx.alloc(),
                    config.service().orElse("")), true));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    onHeaders(frame);
                } else if (msg instanceof Http2DataFrame data) {
                    onData(ctx, data);
                }
            } catch (RuntimeException e) {
                verdict.fail("malformed response: " + e.getMessage());
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void onHeaders(Http2HeadersFrame frame) {
            Http2Headers h = frame.headers();
            if (!headersSeen) {
                headersSeen = true;
                CharSequence status = h.status();
                if (status == null || !"200".contentEquals(status)) {
                    verdict.fail("HTTP status " + status + ", not a gRPC answer");
                    return;
                }
                CharSequence type = h.get("content-type");
                if (type == null || !type.toString().startsWith("application/grpc")) {
                    verdict.fail("content-type " + type + ", not a gRPC answer");
                    return;
                }
            }
            CharSequence code = h.get("grpc-status");
            if (code != null) {
                judge(code, h.get("grpc-message"));
            } else if (frame.isEndStream()) {
                verdict.fail("the call ended without a grpc-status");
            }
        }

        private void onData(ChannelHandlerContext ctx, Http2DataFrame data) {
            if (body == null) {
                body = ctx.alloc().buffer();
            }
            if (body.readableBytes() + data.content().readableBytes() > GrpcHealthMessages.MAX_RESPONSE + 5) {
                verdict.fail("response over " + GrpcHealthMessages.MAX_RESPONSE + " bytes");
                return;
            }
            body.writeBytes(data.content());
            if (data.isEndStream()) {
                verdict.fail("the call ended without a grpc-status");
            }
        }

        /** The call's end: grpc-status 0 and a SERVING answer pass; anything else fails, saying what it was. */
        private void judge(CharSequence code, CharSequence message) {
            if (!"0".contentEquals(code)) {
                verdict.fail(grpcStatus(code, message));
                return;
            }
            int status = body == null ? -1 : GrpcHealthMessages.status(body);
            if (status < 0) {
                verdict.fail("grpc-status 0 without a HealthCheckResponse");
            } else if (status == GrpcHealthMessages.SERVING) {
                verdict.pass(config.service().map(s -> s + " ").orElse("") + "SERVING");
            } else {
                verdict.fail(config.service().map(s -> s + " ").orElse("") + GrpcHealthMessages.statusName(status));
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                Http2Error error = Http2Error.valueOf(reset.errorCode());
                verdict.fail("stream reset (" + (error == null ? reset.errorCode() : error.name()) + ")");
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            verdict.fail(Reasons.of(cause, config.timeout()));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (body != null) {
                body.release();
                body = null;
            }
            verdict.fail("the call closed before an answer");
        }
    }
}
