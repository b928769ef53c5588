package io.weir.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.weir.balance.PickContext;
import io.weir.cluster.Cluster;
import io.weir.config.RouteConfig;
import io.weir.proxy.http.route.RateLimiter;
import io.weir.proxy.http.route.RequestView;
import io.weir.proxy.http.route.Route;
import io.weir.proxy.http.route.RouteAction;
import io.weir.proxy.http.sticky.StickyPin;
import io.weir.runtime.Transport;
import io.weir.tls.ClientCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * One downstream HTTP/1.1 connection: takes one request at a time (pipelined ones wait, decoded, in
 * {@link ReadAhead}, so responses leave in order), routes it, and either answers locally or hands it to
 * an {@link Exchange}. Reads are explicit: a request body is read only as fast as the upstream takes it.
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(DownstreamHandler.class);

    private final HttpListenerContext listener;
    private final DownstreamTimeouts timeouts;
    private final StrictRequestDecoder decoder;
    private final DownstreamResponseEncoder encoder;
    private ChannelHandlerContext ctx;
    private Deadline deadline;
    private DownstreamPeer peer;
    // The request as the client sent it, for the outcome report (the head is rewritten when forwarded).
    private long requestStartNanos;
    private long requestStartMillis;
    private String requestMethod;
    private String requestHost;
    private String requestUri;
    private Exchange exchange;
    private boolean closing;
    /** Shutting down: finish the request in flight, answer it with {@code Connection: close}, then close. */
    private boolean closeAfterExchange;
    /** A request waits for the shared store (rate-limit bucket, sticky session): in flight, though no exchange yet. */
    private boolean awaitingLimit;

    DownstreamHandler(HttpListenerContext listener, DownstreamTimeouts timeouts, StrictRequestDecoder decoder,
                      DownstreamResponseEncoder encoder) {
        this.listener = listener;
        this.timeouts = timeouts;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    DownstreamResponseEncoder encoder() {
        return encoder;
    }

    /** The timeout of the exchange in flight; one per connection, re-armed by each exchange. */
    Deadline deadline() {
        return deadline;
    }

    /** The listener's idle_timeout: also how long a WebSocket tunnel may sit silent. */
    java.time.Duration idleTimeout() {
        return listener.config().idleTimeout();
    }

    Transport transport() {
        return listener.transport();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = new Deadline(ctx.executor(), () -> {
            if (exchange != null) {
                exchange.onDeadline();
            }
        });
        timeouts.awaitRequest(false);
        requestRead();
    }

    /** Asks for one more message; {@link ReadAhead} hands over one already decoded, or reads until one comes. */
    private void requestRead() {
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg == ChannelInputShutdownEvent.INSTANCE) {
            inputEnded();
        } else if (msg instanceof HttpRejection rejection) {
            reject(null, rejection);
        } else if (msg instanceof HttpRequest request) {
            onRequest(request);
        } else if (msg instanceof HttpContent content) {
            if (exchange != null) {
                exchange.onDownstreamContent(content);
            } else {
                // The end marker of a bodiless request answered already, or a body being discarded.
                content.release();
                if (!closing) {
                    requestRead();
                }
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest request) {
        timeouts.headReceived();
        requestStartNanos = System.nanoTime();
        requestStartMillis = System.currentTimeMillis();
        requestMethod = request.method().name();
        requestHost = request.headers().get(HttpHeaderNames.HOST);
        requestUri = request.uri();
        encoder.answeringHead(request.method() == HttpMethod.HEAD);
        HttpRejection rejection = RequestValidator.check(request);
        if (rejection != null) {
            reject(request, rejection);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        RequestView view = new RequestView(request);
        Route route = listener.router().route(view);
        if (route == null) {
            log.debug("no route for {} {} host {}", request.method(), request.uri(), view.host());
            answer(LocalReplies.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, !keepAlive || hasBody), null,
                    !keepAlive || hasBody, "no route");
            return;
        }
        RouteConfig config = route.config();
        if (HttpUtil.getContentLength(request, 0L) > config.maxBody()) {
            log.info("{} {}: Content-Length over max_body {} (route {}), 413", request.method(), request.uri(),
                    config.maxBody(), route.name());
            answer(LocalReplies.error(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, true), route, true,
                    "request body over max_body");
            return;
        }
        RateLimiter limiter = route.rateLimiter();
        if (limiter != null && limiter.isShared()) {
            // The shared bucket answers asynchronously (and from local state if its store is down); nothing
            // more is read from this connection meanwhile, so the request resumes exactly where it stopped.
            awaitingLimit = true;
            limiter.checkShared(view, peer().ip()).whenComplete((wait, error) -> ctx.executor().execute(() -> {
                awaitingLimit = false;
                if (!closing) {
                    afterRateLimit(view, route, hasBody, keepAlive, wait == null ? 0 : wait);
                }
            }));
            return;
        }
        afterRateLimit(view, route, hasBody, keepAlive, limiter == null ? 0 : limiter.check(view, peer().ip()));
    }

    private void afterRateLimit(RequestView view, Route route, boolean hasBody, boolean keepAlive, long wait) {
        if (wait > 0) {
            tooManyRequests(view, route, !keepAlive || hasBody, wait);
            return;
        }
        RouteConfig config = route.config();
        RouteAction action = route.action();
        if (action instanceof RouteAction.Forward forward) {
            forward(view, route, forward.cluster(), hasBody, keepAlive);
        } else if (action instanceof RouteAction.Split split) {
            forward(view, route, split.choose(), hasBody, keepAlive);
        } else if (action instanceof RouteAction.Redirect) {
            FullHttpResponse response = LocalReplies.text(ctx.alloc(),
                    HttpResponseStatus.valueOf(config.redirect().get().status()), "", "", !keepAlive || hasBody);
            response.headers().set(HttpHeaderNames.LOCATION, Redirects.location(view, config, listener.scheme()));
            answer(response, route, !keepAlive || hasBody, "ok");
        } else if (action instanceof RouteAction.Respond respond) {
            boolean close = !keepAlive || hasBody;
            answer(LocalReplies.text(ctx.alloc(), HttpResponseStatus.valueOf(respond.config().status()),
                    respond.config().body(), respond.config().contentType(), close), route, close, "ok");
        }
    }

    /** Over the route's rate limit: 429 with Retry-After, never forwarded. */
    private void tooManyRequests(RequestView view, Route route, boolean close, long waitNanos) {
        // Debug: under a flood this is every request; weir_rate_limited_total says how many.
        log.debug("{} {} from {}: over the rate limit of route {}, 429", view.request().method(), view.request().uri(),
                peer().ip(), route.name());
        FullHttpResponse response = LocalReplies.error(ctx.alloc(), HttpResponseStatus.TOO_MANY_REQUESTS, close);
        response.headers().set(HttpHeaderNames.RETRY_AFTER, RateLimiter.retryAfterSeconds(waitNanos));
        answer(response, route, close, "rate limited");
    }

    private void forward(RequestView view, Route route, Cluster cluster, boolean hasBody, boolean keepAlive) {
        // The key is read before the rewrite: a hash on path or headers sees what the client sent.
        PickContext pick = HashKeys.pickContext(cluster.hashOn(), view, peer());
        StickyPin sticky = listener.sticky().pin(cluster, view);
        if (sticky.pending() != null) {
            // A session this node does not know is asked of the store other nodes share, off this event loop and
            // within the store's deadline; as for a shared rate limit, nothing more is read meanwhile.
            awaitingLimit = true;
            sticky.pending().whenComplete((v, error) -> ctx.executor().execute(() -> {
                awaitingLimit = false;
                if (!closing) {
                    startExchange(view, route, cluster, pick, sticky, hasBody, keepAlive);
                }
            }));
            return;
        }
        startExchange(view, route, cluster, pick, sticky, hasBody, keepAlive);
    }

    private void startExchange(RequestView view, Route route, Cluster cluster, PickContext pick, StickyPin sticky,
                               boolean hasBody, boolean keepAlive) {
        HttpRequest request = view.request();
        HttpVersion clientVersion = request.protocolVersion();
        RequestRewriter.rewrite(view, route.config(), listener, peer());
        exchange = new Exchange(this, ctx, request, route, cluster, pick, sticky, hasBody,
                keepAlive && !closing && !closeAfterExchange, clientVersion);
        exchange.start();
    }

    private void reject(HttpRequest request, HttpRejection rejection) {
        encoder.answeringHead(request != null && request.method() == HttpMethod.HEAD);
        log.info("downstream {}: {} {}: {}", ctx.channel().remoteAddress(),
                request == null ? "request" : request.method() + " " + request.uri(), rejection.status().code(),
                rejection.reason());
        if (request == null) {
            requestStartNanos = System.nanoTime();
            requestStartMillis = System.currentTimeMillis();
            requestMethod = null;
            requestHost = null;
            requestUri = null;
        }
        answer(LocalReplies.error(ctx.alloc(), rejection.status(), true), null, true, rejection.reason());
    }

    /** Answers a request that no upstream sees, and reports it. */
    private void answer(FullHttpResponse response, Route route, boolean close, String termination) {
        int status = response.status().code();
        long bytes = response.content().readableBytes();
        send(response, route, close);
        report(status, 0, bytes, System.nanoTime() - requestStartNanos, -1, -1,
                route == null ? null : route.name(), null, null, 0, termination);
    }

    /** Reports how the current request ended to the listener's observers (access log, metrics). */
    void report(int status, long bytesIn, long bytesOut, long totalNanos, long connectNanos, long responseNanos,
                String route, String cluster, String endpoint, int attempts, String termination) {
        listener.observer().requestEnded(new RequestOutcome(requestStartMillis, peer().ip(), requestMethod,
                requestHost, requestUri, status, bytesIn, bytesOut, totalNanos, connectNanos, responseNanos,
                listener.config().name(), route, cluster, endpoint, attempts, termination));
    }

    private DownstreamPeer peer() {
        if (peer == null) {
            // Worked out once per connection: the handshake, and so the client certificate, is done by now.
            String clientCert = listener.clientCertHeader() == null ? null : ClientCertificates.describe(ctx.channel());
            peer = DownstreamPeer.of((InetSocketAddress) ctx.channel().remoteAddress(), listener.trustedProxies(),
                    clientCert);
        }
        return peer;
    }

    // ---- called by the exchange -----------------------------------------------------------------------

    /** Reads the next piece of the current request body. */
    void readBody() {
        requestRead();
    }

    void replyLocal(HttpResponseStatus status, Route route, boolean close) {
        send(LocalReplies.error(ctx.alloc(), status, close), route, close);
    }

    /** A local answer the exchange built itself (a gRPC status for a gRPC call). */
    void replyLocal(FullHttpResponse response, Route route, boolean close) {
        send(response, route, close);
    }

    private void send(FullHttpResponse response, Route route, boolean close) {
        close |= closeAfterExchange;
        if (route != null) {
            ProxyHeaders.apply(route.config().responseHeaders(), response.headers());
        }
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(response, ctx.voidPromise());
        exchangeDone(!close);
    }

    /** The response is written; take the next request, or close. */
    void exchangeDone(boolean keepAlive) {
        exchange = null;
        if (!keepAlive || closing || closeAfterExchange) {
            closing = true;
            LingeringClose.afterFlush(ctx.channel());
            return;
        }
        ctx.flush();
        timeouts.awaitRequest(decoder.hasBufferedBytes());
        requestRead();
    }

    /**
     * Graceful shutdown, on this connection's event loop: an idle connection closes now; one with a request
     * in flight closes after its response, which carries {@code Connection: close} when its head has not
     * gone yet, so the client knows not to send another request on it.
     */
    void closeGracefully() {
        if (closing || closeAfterExchange) {
            return;
        }
        closeAfterExchange = true;
        if (exchange != null) {
            exchange.closeAfterResponse();
        } else if (!awaitingLimit && !decoder.hasBufferedBytes()) {
            closing = true;
            ctx.close();
        }
        // Else part of a request head is here: it is answered (with Connection: close) like one in flight;
        // request_header_timeout still bounds a client that never finishes it.
    }

    /**
     * The client shut its sending side: no request comes after the one in flight, which is still answered;
     * then, or now when none is in flight, the connection closes once what was written has gone.
     */
    private void inputEnded() {
        if (exchange != null || awaitingLimit) {
            closeAfterExchange = true;
            if (exchange != null) {
                exchange.closeAfterResponse();
            }
        } else if (!closing) {
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The response already started and cannot be finished: closing is the only honest signal left. */
    void abort() {
        exchange = null;
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && exchange != null) {
            exchange.onDownstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (exchange != null) {
            exchange.onDownstreamClosed();
            exchange = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("downstream {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
