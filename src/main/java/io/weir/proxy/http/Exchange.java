package io.weir.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.weir.balance.PickContext;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.config.CompressionConfig;
import io.weir.config.ProxyProtocolVersion;
import io.weir.proxy.ProxyHeaderWriter;
import io.weir.proxy.http.route.Route;
import io.weir.proxy.http.sticky.StickyPin;
import io.weir.proxy.http.upstream.UpstreamConnection;
import io.weir.proxy.http.upstream.UpstreamListener;
import io.weir.proxy.http.upstream.UpstreamPools;
import io.weir.proxy.http.upstream.WholeResponse;
import io.weir.runtime.LoopClock;
import io.weir.runtime.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One forwarded request and its response, between a downstream connection and an upstream one. The
 * request head is held until an upstream connection is ready; the body is then read from downstream
 * one piece at a time as the upstream accepts it, and the response is read from upstream as fast as
 * downstream takes it. Nothing is buffered beyond a socket read.
 *
 * <p>Before any response byte has gone downstream a failure can still become a retry or a 5xx; after,
 * the only honest signal is to close the downstream connection.
 */
final class Exchange implements UpstreamListener {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    private static final ThrottledLog CONNECT_FAILED = ThrottledLog.warn(log,
            "connect to {} failed (route {}, cluster {}): {}");
    private static final ThrottledLog STALE_CONNECTION = ThrottledLog.info(log,
            "{} (route {}, endpoint {}): a stale pooled connection; trying a fresh one");
    private static final ThrottledLog REQUEST_FAILED = ThrottledLog.warn(log,
            "{} {} -> {} (route {}, cluster {}): {}");
    private static final ThrottledLog RESPONSE_ABORTED = ThrottledLog.warn(log,
            "{} {} aborted after the response started (route {}, endpoint {}): {}");

    private final RequestDispatcher downstream;
    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final Route route;
    /** Final but for a reload that replaces it before the first pick (see {@link Cluster#retire}). */
    private Cluster cluster;
    private final PickContext pick;
    private final StickyPin sticky;
    private final boolean hasBody;
    private final boolean head;
    private final boolean clientHttp10;
    private final RetryRules retry;
    /** A gRPC call: Weir's own answers carry a grpc-status, and its grpc-timeout bounds the exchange. */
    private final boolean grpc;
    private String deadlineName;
    /** When the request head arrived (the dispatcher's clock reading, not a second one). */
    private final long startNanos;
    private boolean keepAlive;

    private Endpoint endpoint;
    private Endpoint lastFailed;
    /** Every endpoint this request failed on; allocated on the first failure. */
    private List<Endpoint> failedOn;
    private boolean endpointCounted;
    private UpstreamConnection upstream;
    private int tries;
    private boolean staleRetryUsed;
    private TryListener currentTry;
    /** A body read was asked of downstream: from here the body is streaming and the request cannot be replayed. */
    private boolean bodyRequested;
    private ScheduledFuture<?> backoff;
    /** A 1xx went downstream: response bytes are out, so this request is no longer retried. */
    private boolean informationalSent;
    private boolean requestSent;
    private boolean awaitingUpstreamWritable;
    private boolean responseStarted;
    private boolean informational;
    private boolean upstreamReusable;
    private boolean done;
    private long bodyBytes;
    private final ExchangeDeadlines deadlines;
    private long bytesOut;
    /** The request asked for a WebSocket; {@code switching} once the upstream agreed. */
    private final boolean upgrade;
    /** The response may come as a {@link WholeResponse}: Weir has nothing to do to its head but drop hop-by-hop lines. */
    private final boolean wholeResponses;
    private boolean switching;
    private int status;
    private long connectedAt = -1;
    private long responseHeadAt = -1;
    private String termination = "ok";
    /** The response body is gzipped on its way downstream (the route's compression); null when it is not. */
    private GzipStream gzip;
    /** The final response head, not written yet: its body may follow in the same upstream read. */
    private HttpResponse heldHead;

    Exchange(RequestDispatcher downstream, ChannelHandlerContext ctx, HttpRequest request, Route route,
             Cluster cluster, PickContext pick, StickyPin sticky, boolean hasBody, boolean keepAlive,
             HttpVersion clientVersion, long startNanos) {
        this.downstream = downstream;
        this.startNanos = startNanos;
        this.ctx = ctx;
        this.request = request;
        this.route = route;
        this.cluster = cluster;
        this.pick = pick;
        this.upgrade = request.headers().contains(HttpHeaderNames.UPGRADE);
        this.sticky = sticky;
        this.hasBody = hasBody;
        this.keepAlive = keepAlive;
        this.head = request.method() == HttpMethod.HEAD;
        this.clientHttp10 = clientVersion.minorVersion() == 0;
        this.deadlines = new ExchangeDeadlines(downstream.deadline());
        this.retry = new RetryRules(route.config().retries(), cluster.retryBudget(), request.method(),
                cluster.endpoints().size());
        this.grpc = GrpcStatus.isGrpc(request.headers());
        this.wholeResponses = !head && !upgrade && !clientHttp10
                && route.leavesResponsesAlone() && sticky == StickyPin.NONE;
    }

    void start() {
        long routeNanos = route.config().timeout().map(Duration::toNanos).orElse(-1L);
        long grpcNanos = grpc ? GrpcStatus.timeoutNanos(request.headers()) : -1;
        if (grpcNanos >= 0 && (routeNanos < 0 || grpcNanos < routeNanos)) {
            deadlineName = "grpc-timeout " + request.headers().get("grpc-timeout");
            deadlines.startRoute(startNanos + grpcNanos);
        } else if (routeNanos >= 0) {
            deadlineName = "route timeout " + TimeUnit.NANOSECONDS.toMillis(routeNanos) + "ms";
            deadlines.startRoute(startNanos + routeNanos);
        }
        pickAndConnect();
    }

    private void pickAndConnect() {
        // The first try goes where the client's sticky cookie pins it, when that endpoint can take it.
        Endpoint chosen = tries == 0 && lastFailed == null && sticky.preferred() != null ? sticky.preferred()
                : cluster.pick(lastFailed == null ? pick : pick.avoiding(lastFailed));
        // A retry avoids every endpoint it already failed on, not only the last: in a rotation, neighbours
        // often fail together (one rack, one deploy wave), and the next pick would be the next of them.
        for (int i = 0; chosen != null && failedOn != null && failedOn.contains(chosen) && i < failedOn.size() * 2; i++) {
            Endpoint other = cluster.pick(pick.avoiding(chosen));
            if (other == null) {
                break;
            }
            chosen = other;
        }
        if (chosen == null && tries == 0 && cluster.current() != cluster) {
            // Routed on the config a reload has just replaced, whose endpoints are draining: the cluster that
            // replaced it serves the request, as if it had arrived a moment later.
            cluster = cluster.current();
            chosen = cluster.pick(pick);
        }
        if (chosen == null) {
            if (lastFailed == null) {
                fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "no available endpoint in cluster " + cluster.name());
            } else {
                fail(HttpResponseStatus.BAD_GATEWAY, "no other endpoint to try");
            }
            return;
        }
        endpoint = chosen;
        endpoint.requestStarted();
        endpointCounted = true;
        tries++;
        UpstreamListener listener = this;
        if (route.config().retries().perTryTimeout().isPresent()) {
            deadlines.startTry(route.config().retries().perTryTimeout().get().toNanos());
            // Only a per-try timeout can give up a try whose connect is pending; guard it from the next one.
            currentTry = new TryListener(this);
            listener = currentTry;
        }
        Optional<ProxyProtocolVersion> proxyProtocol = cluster.config().proxyProtocol();
        if (proxyProtocol.isPresent()) {
            Channel down = ctx.channel();
            UpstreamPools.acquirePrivate(down.eventLoop(), chosen, cluster.config(), downstream.transport(),
                    ProxyHeaderWriter.write(proxyProtocol.get(), (InetSocketAddress) down.remoteAddress(),
                            (InetSocketAddress) down.localAddress(), down.alloc()), listener);
        } else {
            UpstreamPools.acquire(ctx.channel().eventLoop(), chosen, cluster.config(), downstream.transport(), listener);
        }
    }

    // ---- upstream connection events -------------------------------------------------------------------

    @Override
    public void upstreamReady(UpstreamConnection connection) {
        if (done) {
            connection.release();
            return;
        }
        upstream = connection;
        connectedAt = LoopClock.nanoTime();
        connection.wholeResponses(wholeResponses);
        Channel up = connection.channel();
        if (!request.headers().contains(HttpHeaderNames.HOST)) {
            request.headers().set(HttpHeaderNames.HOST, endpoint.id());
        }
        // Void promises: nothing waits on these writes, and a failure reaches exceptionCaught anyway.
        if (hasBody) {
            up.write(request, up.voidPromise());
            up.flush();
            bodyRequested = true;
            downstream.readBody();
        } else {
            up.writeAndFlush(bodiless(request), up.voidPromise());
            requestSent();
        }
        up.read();
    }

    /**
     * A request without a body as one message: one pass through the encoder and one buffer (HTTP/1.1), or one
     * HEADERS frame that ends the stream (h2), instead of the head and then an empty end. A fresh wrapper on each
     * try; the headers are the request's own.
     */
    private static FullHttpRequest bodiless(HttpRequest request) {
        return new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
    }

    @Override
    public void upstreamConnectFailed(Throwable cause) {
        if (done) {
            return;
        }
        String why = describe(cause);
        CONNECT_FAILED.log(endpoint, route.name(), cluster.name(), why);
        endpoint.outcomes().failure("connect failed: " + why);
        endEndpoint(-1);
        noteFailed(endpoint);
        if (retry.retryConnect(tries)) {
            pickAndConnect();
        } else {
            fail(HttpResponseStatus.BAD_GATEWAY, "could not connect to " + endpoint + ": " + why);
        }
    }

    /** Some socket errors carry no message (a reset while connecting): their type says what happened then. */
    private static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    @Override
    public void upstreamMessage(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof WholeResponse whole) {
            onWholeResponse(whole);
        } else if (msg instanceof HttpResponse response) {
            onResponseHead(response);
        } else if (msg instanceof HttpContent content) {
            onResponseContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(HttpResponse response) {
        if (response.decoderResult().isFailure()) {
            Throwable cause = response.decoderResult().cause();
            ReferenceCountUtil.release(response);
            if (cause instanceof PrematureChannelClosureException) {
                upstreamFailedBeforeResponse("upstream closed the connection before responding");
            } else {
                endpoint.outcomes().failure("invalid response");
                fail(HttpResponseStatus.BAD_GATEWAY, "invalid response from " + endpoint + ": " + cause.getMessage());
            }
            return;
        }
        int code = response.status().code();
        if (code >= 100 && code < 200) {
            if (code == 101) {
                if (upgrade && WebSockets.accepts(response)) {
                    acceptUpgrade(response);
                } else {
                    ReferenceCountUtil.release(response);
                    fail(HttpResponseStatus.BAD_GATEWAY, "unexpected 101 Switching Protocols from " + endpoint);
                }
                return;
            }
            informational = true;
            if (!clientHttp10) {
                informationalSent = true;
                ProxyHeaders.stripHopByHop(response.headers());
                downstream.write(response);
            }
            return;
        }
        if (!finalStatus(code, response, HttpUtil.isKeepAlive(response))) {
            return;
        }
        HttpHeaders headers = response.headers();
        ProxyHeaders.stripHopByHop(headers);
        ProxyHeaders.apply(route.config().responseHeaders(), headers);
        sticky.onResponse(endpoint, headers);
        frameForDownstream(response, code);
        compress(response);
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientHttp10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        downstream.answeringHead(head);
        // Held until the next upstream message or the end of this upstream read: see onResponseContent.
        heldHead = response;
    }

    private void writeHeldHead() {
        if (heldHead != null) {
            downstream.write(heldHead);
            heldHead = null;
        }
    }

    /**
     * A final response's status came: false when the route retries it (this answer is dropped, with its
     * connection, whose body is unread, and the next try started), true when it is the one the client gets.
     */
    private boolean finalStatus(int code, Object response, boolean upstreamKeepsAlive) {
        endpoint.outcomes().status(code);
        if (route.config().retries().retryOn().status(code)
                && retry.retry(RetryRules.Failure.STATUS, code, tries, committed())) {
            ReferenceCountUtil.release(response);
            retryLater(code + " from " + endpoint);
            return false;
        }
        deadlines.endTry();
        responseStarted = true;
        status = code;
        responseHeadAt = LoopClock.nanoTime();
        upstreamReusable = upstreamKeepsAlive;
        if (!requestSent) {
            // The upstream answered before taking the whole body: the rest of it is unread, so this
            // connection cannot carry another request.
            keepAlive = false;
        }
        return true;
    }

    /**
     * A final response that came whole, whose head needs nothing but its hop-by-hop lines dropped: it goes
     * downstream as the upstream's bytes, in the buffer they came in, without being decoded into header objects
     * and encoded again.
     */
    private void onWholeResponse(WholeResponse whole) {
        if (!finalStatus(whole.status(), whole, whole.keepAlive())) {
            return;
        }
        bytesOut += whole.bodyLength();
        downstream.writeWhole(whole, !keepAlive);
        complete();
    }

    /** A body delimited by the upstream closing is re-framed: chunked for HTTP/1.1, close for HTTP/1.0. */
    private void frameForDownstream(HttpResponse response, int code) {
        boolean bodyAllowed = !head && code != 204 && code != 304;
        if (!bodyAllowed) {
            return;
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean sized = response.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        if (!chunked && !sized) {
            upstreamReusable = false;
            if (clientHttp10) {
                keepAlive = false;
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        } else if (chunked && clientHttp10) {
            response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            keepAlive = false;
        }
    }

    /** A compressed body's length is unknown until its end: chunked for HTTP/1.1, delimited by close for 1.0. */
    private void compress(HttpResponse response) {
        CompressionConfig config = route.config().compression().orElse(null);
        if (config == null) {
            // Most routes: no header lookup on every response.
            return;
        }
        gzip = ResponseCompression.begin(config, request.headers().get(HttpHeaderNames.ACCEPT_ENCODING), head,
                response);
        if (gzip != null) {
            if (clientHttp10) {
                keepAlive = false;
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        }
    }

    /** The upstream took the WebSocket handshake: the 101 goes downstream, then both sides become a tunnel. */
    private void acceptUpgrade(HttpResponse response) {
        switching = true;
        responseStarted = true;
        status = 101;
        responseHeadAt = LoopClock.nanoTime();
        ProxyHeaders.stripHopByHop(response.headers());
        WebSockets.keepUpgradeHeaders(response.headers());
        downstream.answeringHead(false);
        downstream.write(response);
    }

    private void onResponseContent(HttpContent content) {
        if (switching) {
            // The end of the 101: what follows on both connections is WebSocket frames, not HTTP.
            content.release();
            downstream.write(LastHttpContent.EMPTY_LAST_CONTENT);
            downstream.flush();
            UpstreamConnection tunnelled = upstream;
            upstream = null;
            finish();
            WebSockets.tunnel(ctx, tunnelled, downstream.idleTimeout());
            return;
        }
        if (informational) {
            informational = false;
            if (clientHttp10) {
                content.release();
            } else {
                downstream.write(content);
            }
            return;
        }
        if (gzip != null) {
            content = compressed(content);
        }
        bytesOut += content.content().readableBytes();
        if (heldHead != null && content instanceof LastHttpContent last) {
            // The whole response came in one read: one message downstream, so the encoder writes the head and a
            // small body into one buffer (one send), and HTTP/2 ends the stream with it.
            HttpResponse h = heldHead;
            heldHead = null;
            downstream.write(new DefaultFullHttpResponse(h.protocolVersion(), h.status(), last.content(), h.headers(),
                    last.trailingHeaders()));
        } else {
            writeHeldHead();
            downstream.write(content);
        }
        if (content instanceof LastHttpContent) {
            complete();
        }
    }

    private HttpContent compressed(HttpContent content) {
        try {
            if (content instanceof LastHttpContent last) {
                return new DefaultLastHttpContent(gzip.finish(ctx.alloc(), content.content()), last.trailingHeaders());
            }
            return new DefaultHttpContent(gzip.compress(ctx.alloc(), content.content()));
        } finally {
            content.release();
        }
    }

    @Override
    public void upstreamReadComplete() {
        if (done) {
            return;
        }
        writeHeldHead();
        downstream.flush();
        if (downstream.isWritable()) {
            upstream.channel().read();
        }
    }

    @Override
    public void upstreamWritable() {
        if (awaitingUpstreamWritable && !done) {
            awaitingUpstreamWritable = false;
            downstream.readBody();
        }
    }

    @Override
    public void upstreamClosed(Throwable cause) {
        if (done) {
            return;
        }
        String why = cause == null ? "upstream closed the connection" : "upstream failed: " + describe(cause);
        if (responseStarted) {
            abortDownstream(why + " mid-response");
        } else {
            upstreamFailedBeforeResponse(why + " before responding");
        }
    }

    // ---- downstream events ----------------------------------------------------------------------------

    /** Weir is shutting down: the response says {@code Connection: close} if its head has not gone yet. */
    void closeAfterResponse() {
        keepAlive = false;
    }

    void onDownstreamContent(HttpContent content) {
        if (done || upstream == null) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            // A malformed chunk: the decoder hands it over as a last content, which must not reach the upstream
            // as the end of a (truncated) request.
            String why = "malformed request body: " + content.decoderResult().cause().getMessage();
            content.release();
            if (responseStarted) {
                abortDownstream(why);
            } else {
                fail(HttpResponseStatus.BAD_REQUEST, why);
            }
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (bodyBytes > route.config().maxBody()) {
            content.release();
            if (responseStarted) {
                abortDownstream("request body over max_body " + route.config().maxBody());
            } else {
                fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body over max_body " + route.config().maxBody());
            }
            return;
        }
        Channel up = upstream.channel();
        boolean last = content instanceof LastHttpContent;
        up.writeAndFlush(content, up.voidPromise());
        if (last) {
            requestSent();
        } else if (up.isWritable()) {
            downstream.readBody();
        } else {
            awaitingUpstreamWritable = true;
        }
    }

    void onDownstreamWritable() {
        if (!done && upstream != null && responseStarted) {
            upstream.channel().read();
        }
    }

    void onDownstreamClosed() {
        if (done) {
            return;
        }
        log.debug("downstream closed during exchange (route {}, endpoint {})", route.name(), endpoint);
        termination = "downstream closed";
        finish();
        if (upstream != null) {
            upstream.discard();
        }
    }

    // ---- outcomes -------------------------------------------------------------------------------------

    private void requestSent() {
        requestSent = true;
        if (!responseStarted) {
            deadlines.startUpstream(cluster.config().upstreamTimeout().toNanos());
        }
    }

    private void upstreamFailedBeforeResponse(String why) {
        UpstreamConnection failed = upstream;
        upstream = null;
        if (failed != null) {
            failed.discard();
        }
        // A pooled connection the upstream had just closed is not the endpoint's fault: one fresh try, free.
        boolean stale = failed != null && failed.reused() && !staleRetryUsed && !committed()
                && RetryRules.isIdempotent(request.method());
        if (!stale) {
            endpoint.outcomes().failure(why);
        }
        if (stale) {
            STALE_CONNECTION.log(why, route.name(), endpoint);
            staleRetryUsed = true;
            tries--;
            endEndpoint(-1);
            resetTry();
            pickAndConnect();
        } else if (retry.retry(RetryRules.Failure.RESET, 0, tries, committed())) {
            retryLater(why);
        } else {
            fail(HttpResponseStatus.BAD_GATEWAY, why + " (" + endpoint + ")" + refusedBecause());
        }
    }

    /** Ends the failed try and starts the next after the backoff; the next one avoids this endpoint. */
    private void retryLater(String why) {
        if (upstream != null) {
            UpstreamConnection failed = upstream;
            upstream = null;
            failed.discard();
        }
        if (currentTry != null) {
            currentTry.abandon();
            currentTry = null;
        }
        endEndpoint(-1);
        noteFailed(endpoint);
        resetTry();
        long delay = retry.backoffNanos();
        // Debug, not info: in an outage this is every request; the budget's own line says when it is too many.
        log.debug("{} {}: {} (route {}); retry {} in {}ms", request.method(), request.uri(), why, route.name(), tries,
                TimeUnit.NANOSECONDS.toMillis(delay));
        if (delay == 0) {
            pickAndConnect();
        } else {
            backoff = ctx.executor().schedule(() -> {
                backoff = null;
                if (!done) {
                    pickAndConnect();
                }
            }, delay, TimeUnit.NANOSECONDS);
        }
    }

    /** Past the point of replay: the body is streaming, or response bytes went downstream. */
    private boolean committed() {
        return bodyRequested || informationalSent;
    }

    private void resetTry() {
        requestSent = false;
        deadlines.endTry();
    }

    private String refusedBecause() {
        return retry.budgetRefused() ? "; no retry: the retry budget of cluster " + cluster.name() + " is spent" : "";
    }

    private void complete() {
        finish();
        if (upstreamReusable && requestSent) {
            upstream.release();
        } else {
            upstream.discard();
        }
        downstream.exchangeDone(keepAlive && requestSent);
    }

    /** Answers locally; only before any response byte went downstream. */
    private void fail(HttpResponseStatus status, String why) {
        REQUEST_FAILED.log(request.method(), request.uri(), status.code(), route.name(), cluster.name(), why);
        this.status = status.code();
        termination = why;
        finish();
        if (upstream != null) {
            upstream.discard();
        }
        boolean bodyUnread = hasBody && !requestSent;
        boolean close = !keepAlive || bodyUnread;
        if (grpc) {
            downstream.replyLocal(GrpcStatus.reply(ctx.alloc(), status, close), route, close);
        } else {
            downstream.replyLocal(status, route, close);
        }
    }

    private void abortDownstream(String why) {
        RESPONSE_ABORTED.log(request.method(), request.uri(), route.name(), endpoint, why);
        termination = why;
        finish();
        if (upstream != null) {
            upstream.discard();
        }
        downstream.abort();
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        deadlines.disarm();
        if (gzip != null) {
            gzip.end();
        }
        if (backoff != null) {
            backoff.cancel(false);
            backoff = null;
        }
        retry.end();
        long now = LoopClock.nanoTime();
        endEndpoint(now - startNanos);
        downstream.report(status, bodyBytes, bytesOut, now - startNanos,
                connectedAt < 0 ? -1 : connectedAt - startNanos, responseHeadAt < 0 ? -1 : responseHeadAt - startNanos,
                route.name(), cluster.name(), endpoint == null ? null : endpoint.id(), tries, termination);
    }

    private void noteFailed(Endpoint failed) {
        lastFailed = failed;
        if (failedOn == null) {
            failedOn = new ArrayList<>(4);
        }
        failedOn.add(failed);
    }

    private void endEndpoint(long latencyNanos) {
        if (endpointCounted) {
            endpointCounted = false;
            endpoint.requestEnded(latencyNanos);
        }
    }

    /** The connection's deadline fired: whichever of this exchange's deadlines has passed decides. */
    void onDeadline() {
        if (done) {
            return;
        }
        switch (deadlines.expired()) {
            case ROUTE -> timedOut(deadlineName);
            case UPSTREAM -> {
                endpoint.outcomes().failure("timeout");
                timedOut("upstream " + endpoint + " did not answer within "
                        + cluster.config().upstreamTimeout().toMillis() + "ms");
            }
            case TRY -> {
                String why = "try " + tries + " on " + endpoint + " ran past per_try_timeout "
                        + route.config().retries().perTryTimeout().get().toMillis() + "ms";
                endpoint.outcomes().failure("timeout");
                if (!responseStarted && retry.retry(RetryRules.Failure.TIMEOUT, 504, tries, committed())) {
                    retryLater(why);
                } else {
                    timedOut(why + refusedBecause());
                }
            }
            case NONE -> { }
        }
    }

    private void timedOut(String why) {
        if (responseStarted) {
            abortDownstream(why);
        } else {
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, why);
        }
    }
}
