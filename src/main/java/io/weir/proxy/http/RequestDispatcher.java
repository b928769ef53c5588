package io.weir.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.weir.balance.PickContext;
import io.weir.cluster.Cluster;
import io.weir.config.RouteConfig;
import io.weir.proxy.http.route.RateLimiter;
import io.weir.proxy.http.route.RequestView;
import io.weir.proxy.http.route.Route;
import io.weir.proxy.http.route.RouteAction;
import io.weir.proxy.http.sticky.StickyPin;
import io.weir.proxy.http.upstream.WholeResponse;
import io.weir.runtime.LoopClock;
import io.weir.runtime.ThrottledLog;
import io.weir.runtime.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The per-request half of a downstream, the same for an HTTP/1.1 connection ({@link DownstreamHandler}) and
 * an HTTP/2 stream ({@link Http2StreamDispatcher}): validates and routes a request, applies the route's limits,
 * answers it locally or hands it to an {@link Exchange}, and reports how it ended. Subclasses own the
 * transport's side: when the next request is read, how a response is written, what ending one means, how to
 * give up on one.
 *
 * <p>{@link #ctx} is the downstream connection's: an HTTP/1.1 connection's own handler, or for an HTTP/2 stream
 * the connection's {@link Http2DownstreamHandler}, which drives its streams without a pipeline of their own (so
 * a stream is a handler only by this class's descent: it is never added to a pipeline).
 */
abstract class RequestDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final ThrottledLog BODY_TOO_LARGE = ThrottledLog.info(log,
            "{} {}: Content-Length over max_body {} (route {}), 413");
    private static final ThrottledLog REJECTED = ThrottledLog.info(log, "downstream {}: {} {}: {}");

    final HttpListenerContext listener;
    ChannelHandlerContext ctx;
    private Deadline deadline;
    private DownstreamPeer peer;
    // The request as the client sent it, for the outcome report (the head is rewritten when forwarded).
    private long requestStartNanos;
    private long requestStartMillis;
    private String requestMethod;
    private String requestHost;
    private String requestUri;
    private String requestProtocol;
    Exchange exchange;
    /** No further request is taken; a read that brings one drops it. */
    boolean closing;
    /** A request waits for the shared store (rate-limit bucket, sticky session): in flight, though no exchange yet. */
    boolean awaitingLimit;

    RequestDispatcher(HttpListenerContext listener) {
        this.listener = listener;
    }

    /** Binds to the channel; called once it is active. */
    void start(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = new Deadline(ctx.executor(), () -> {
            if (exchange != null) {
                exchange.onDeadline();
            }
        });
    }

    // ---- what the transport decides --------------------------------------------------------------------

    /** The channel of the downstream connection itself: the peer's address and TLS session are on it. */
    abstract Channel connection();

    /** The protocol the request came over, as the access log writes it. */
    abstract String protocol(HttpRequest request);

    /** Whether the connection may carry another request after this one. */
    abstract boolean mayKeepAlive();

    /** Whether a response Weir answers with must close the connection, given what the request asked. */
    boolean closesAfter(boolean close) {
        return close;
    }

    /**
     * Writes a response that came whole from an HTTP/1.1 upstream, as its bytes (see {@link WholeResponse});
     * {@code close} when the downstream connection ends after it.
     */
    abstract void writeWhole(WholeResponse whole, boolean close);

    /** The response about to go answers a HEAD request (or not): its announced body is never sent. */
    void answeringHead(boolean head) {
    }

    /** The response is written; take the next request, or close. */
    abstract void exchangeDone(boolean keepAlive);

    /** The response already started and cannot be finished: the only honest signal left is to cut it. */
    abstract void abort();

    // ---- for the exchange ------------------------------------------------------------------------------

    /** The timeout of the exchange in flight, re-armed by each exchange. */
    Deadline deadline() {
        return deadline;
    }

    /** The listener's idle_timeout: also how long a WebSocket tunnel may sit silent. */
    Duration idleTimeout() {
        return listener.config().idleTimeout();
    }

    Transport transport() {
        return listener.transport();
    }

    /** Reads the next piece of the current request body. */
    void readBody() {
        ctx.read();
    }

    /** Writes a message of the response (an HTTP/1.1-shaped object); it goes out at the next {@link #flush}. */
    void write(Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    void flush() {
        ctx.flush();
    }

    /** Whether the downstream takes more response bytes now; {@link #downstreamWritable} says when it does again. */
    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    void replyLocal(HttpResponseStatus status, Route route, boolean close) {
        send(LocalReplies.error(ctx.alloc(), status, close), route, close);
    }

    /** A local answer the exchange built itself (a gRPC status for a gRPC call). */
    void replyLocal(FullHttpResponse response, Route route, boolean close) {
        send(response, route, close);
    }

    // ---- one request ------------------------------------------------------------------------------------

    /** A request head arrived: validate, route, and forward or answer it. */
    void dispatch(HttpRequest request) {
        requestStartNanos = LoopClock.nanoTime();
        requestStartMillis = LoopClock.currentTimeMillis();
        requestMethod = request.method().name();
        requestHost = request.headers().get(HttpHeaderNames.HOST);
        requestUri = request.uri();
        requestProtocol = protocol(request);
        answeringHead(request.method() == HttpMethod.HEAD);
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
            answer(error(request, HttpResponseStatus.NOT_FOUND, !keepAlive || hasBody), null,
                    !keepAlive || hasBody, "no route");
            return;
        }
        RouteConfig config = route.config();
        if (HttpUtil.getContentLength(request, 0L) > config.maxBody()) {
            BODY_TOO_LARGE.log(request.method(), request.uri(), config.maxBody(), route.name());
            answer(error(request, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, true), route, true,
                    "request body over max_body");
            return;
        }
        RateLimiter limiter = route.rateLimiter();
        if (limiter != null && limiter.isShared()) {
            // The shared bucket answers asynchronously (and from local state if its store is down); nothing
            // more is read from this downstream meanwhile, so the request resumes exactly where it stopped.
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
        FullHttpResponse response = error(view.request(), HttpResponseStatus.TOO_MANY_REQUESTS, close);
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
                keepAlive && mayKeepAlive(), clientVersion, requestStartNanos);
        exchange.start();
    }

    /** Refuses a request that may not be forwarded; the connection closes after the answer. */
    void reject(HttpRequest request, HttpRejection rejection) {
        answeringHead(request != null && request.method() == HttpMethod.HEAD);
        if (request == null) {
            requestStartNanos = LoopClock.nanoTime();
            requestStartMillis = LoopClock.currentTimeMillis();
            requestMethod = null;
            requestHost = null;
            requestUri = null;
            requestProtocol = null;
        }
        if (rejection.status() == null) {
            // Reported without a status, as none was given; the connection has nothing more to carry.
            closing = true;
            report(0, 0, 0, LoopClock.nanoTime() - requestStartNanos, -1, -1, null, null, null, 0, rejection.reason());
            abort();
            return;
        }
        REJECTED.log(connection().remoteAddress(),
                request == null ? "request" : request.method() + " " + request.uri(), rejection.status().code(),
                rejection.reason());
        answer(error(request, rejection.status(), true), null, true, rejection.reason());
    }

    /** Weir's own error answer: a gRPC status for a gRPC call (its client reads nothing else), else a short page. */
    private FullHttpResponse error(HttpRequest request, HttpResponseStatus status, boolean close) {
        return request != null && GrpcStatus.isGrpc(request.headers()) ? GrpcStatus.reply(ctx.alloc(), status, close)
                : LocalReplies.error(ctx.alloc(), status, close);
    }

    /** Answers a request that no upstream sees, and reports it. */
    private void answer(FullHttpResponse response, Route route, boolean close, String termination) {
        int status = response.status().code();
        long bytes = response.content().readableBytes();
        send(response, route, close);
        report(status, 0, bytes, LoopClock.nanoTime() - requestStartNanos, -1, -1,
                route == null ? null : route.name(), null, null, 0, termination);
    }

    private void send(FullHttpResponse response, Route route, boolean close) {
        close = closesAfter(close);
        if (route != null) {
            ProxyHeaders.apply(route.config().responseHeaders(), response.headers());
        }
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        write(response);
        exchangeDone(!close);
    }

    /** Reports how the current request ended to the listener's observers (access log, metrics). */
    void report(int status, long bytesIn, long bytesOut, long totalNanos, long connectNanos, long responseNanos,
                String route, String cluster, String endpoint, int attempts, String termination) {
        listener.observer().requestEnded(new RequestOutcome(requestStartMillis, peer().ip(), requestMethod,
                requestHost, requestUri, status, bytesIn, bytesOut, totalNanos, connectNanos, responseNanos,
                listener.config().name(), route, cluster, endpoint, attempts, termination, requestProtocol));
    }

    DownstreamPeer peer() {
        if (peer == null) {
            // Worked out once per connection: the handshake, and so the client certificate, is done.
            peer = DownstreamPeer.of(connection(), listener);
        }
        return peer;
    }

    // ---- the downstream, the same for a connection and a stream ---------------------------------------------

    /** The downstream takes response bytes again. */
    void downstreamWritable() {
        if (exchange != null) {
            exchange.onDownstreamWritable();
        }
    }

    /** The connection (or stream) is gone: the exchange in flight, if any, ends. */
    void downstreamClosed() {
        closing = true;
        if (exchange != null) {
            exchange.onDownstreamClosed();
            exchange = null;
        }
    }
}
