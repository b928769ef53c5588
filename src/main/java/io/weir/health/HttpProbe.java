package io.weir.health;

import io.netty.bootstrap.Bootstrap;
import io.weir.config.UpstreamTlsConfig;
import io.weir.tls.UpstreamTls;
import java.util.Optional;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.weir.cluster.Endpoint;
import io.weir.config.HealthCheckConfig;
import io.weir.config.RouteConfig;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * {@code type: http}: one request on a fresh connection ({@code Connection: close}); the endpoint passes
 * on an expected status and, when {@code body_contains} is set, a body holding that text.
 */
final class HttpProbe extends ChannelProbe {

    /** How much of a response body is searched for {@code body_contains}. */
    static final int MAX_BODY = 64 * 1024;

    private final Endpoint endpoint;

    /** The cluster's re-encryption: an endpoint that speaks only TLS is checked over TLS, verified the same way. */
    private final Optional<UpstreamTlsConfig> tls;

    HttpProbe(Bootstrap bootstrap, Endpoint endpoint, HealthCheckConfig config, Optional<UpstreamTlsConfig> tls) {
        super(bootstrap, config);
        this.endpoint = endpoint;
        this.tls = tls;
    }

    @Override
    public void start(Consumer<ProbeResult> done) {
        ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                tls.ifPresent(t -> ch.pipeline().addLast(UpstreamTls.newHandler(t, ch.alloc(),
                        endpoint.address().getHostString(), endpoint.address().getPort())));
                ch.pipeline().addLast(new HttpClientCodec(), new ResponseHandler(done));
            }
        }).connect(endpoint.address());
        channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                done.accept(ProbeResult.fail(Reasons.of(f.cause(), config.timeout())));
            }
        });
    }

    private FullHttpRequest request() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(config.method()),
                config.path(), Unpooled.EMPTY_BUFFER);
        request.headers().set(HttpHeaderNames.HOST, config.host().orElse(endpoint.id()));
        request.headers().set(HttpHeaderNames.USER_AGENT, "weir-health-check");
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        for (RouteConfig.Header h : config.headers()) {
            request.headers().add(h.name(), h.value());
        }
        return request;
    }

    /** Judges the response as it arrives and closes the connection once it has a verdict. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final Consumer<ProbeResult> done;
        private final StringBuilder body = new StringBuilder();
        private int status;
        private boolean finished;

        ResponseHandler(Consumer<ProbeResult> done) {
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(request());
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (finished) {
                return;
            }
            if (msg.decoderResult().isFailure()) {
                finish(ctx, ProbeResult.fail("invalid response: " + msg.decoderResult().cause().getMessage()));
                return;
            }
            if (msg instanceof HttpResponse response) {
                status = response.status().code();
                if (status < 200) {
                    return; // informational; the real answer follows
                }
                if (!config.expects(status)) {
                    finish(ctx, ProbeResult.fail("status " + status));
                    return;
                }
                if (config.bodyContains().isEmpty()) {
                    finish(ctx, ProbeResult.pass("status " + status));
                    return;
                }
            }
            if (msg instanceof HttpContent content && status >= 200) {
                String wanted = config.bodyContains().get();
                if (body.length() < MAX_BODY) {
                    body.append(content.content().toString(StandardCharsets.UTF_8));
                }
                if (body.indexOf(wanted) >= 0) {
                    finish(ctx, ProbeResult.pass("status " + status + ", body contains '" + wanted + "'"));
                } else if (msg instanceof LastHttpContent || body.length() >= MAX_BODY) {
                    finish(ctx, ProbeResult.fail("status " + status + " but the body lacks '" + wanted + "'"));
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(ctx, ProbeResult.fail("connection closed before a full response"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(ctx, ProbeResult.fail(Reasons.of(cause, config.timeout())));
        }

        private void finish(ChannelHandlerContext ctx, ProbeResult result) {
            if (!finished) {
                finished = true;
                done.accept(result);
                ctx.close();
            }
        }
    }
}
