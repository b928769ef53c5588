package io.weir.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.PrematureChannelClosureException;
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
import io.weir.config.ProxyProtocolVersion;
import io.weir.proxy.ProxyHeaderWriter;
import io.weir.proxy.http.route.Route;
import io.weir.proxy.http.upstream.UpstreamConnection;
import io.weir.proxy.http.upstream.UpstreamListener;
import io.weir.proxy.http.upstream.UpstreamPools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Optional;

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

    private final DownstreamHandler downstream;
    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final Route route;
    private final Cluster cluster;
    private final PickContext pick;
    private final boolean hasBody;
    private final boolean head;
    private final boolean clientHttp10;
    private final boolean idempotent;
    private final int maxTries;
    private final long startNanos = System.nanoTime();
    private boolean keepAlive;

    private Endpoint endpoint;
    private Endpoint lastFailed;
    private boolean endpointCounted;
    private UpstreamConnection upstream;
    private int tries;
    private boolean staleRetryUsed;
    private boolean bodyStarted;
    private boolean requestSent;
    private boolean awaitingUpstreamWritable;
    private boolean responseStarted;
    private boolean informational;
    private boolean upstreamReusable;
    private boolean done;
    private long bodyBytes;
    /** Absolute deadlines (System.nanoTime), 0 when not running; checked through the connection's {@link Deadline}. */
    private long routeDeadline;
    private long upstreamDeadline;

    Exchange(DownstreamHandler downstream, ChannelHandlerContext ctx, HttpRequest request, Route route,
             Cluster cluster, PickContext pick, boolean hasBody, boolean keepAlive, HttpVersion clientVersion) {
        this.downstream = downstream;
        this.ctx = ctx;
        this.request = request;
        this.route = route;
        this.cluster = cluster;
        this.pick = pick;
        this.hasBody = hasBody;
        this.keepAlive = keepAlive;
        this.head = request.method() == HttpMethod.HEAD;
        this.clientHttp10 = clientVersion.minorVersion() == 0;
        this.idempotent = isIdempotent(request.method());
        // A failed connect sent nothing, so trying another endpoint is always safe.
        this.maxTries = Math.max(route.config().retries().attempts(), Math.min(3, cluster.endpoints().size()));
    }

    private static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
                || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
    }

    void start() {
        route.config().timeout().ifPresent(t -> {
            routeDeadline = startNanos + t.toNanos();
            armDeadline();
        });
        pickAndConnect();
    }

    private void pickAndConnect() {
        Endpoint chosen = cluster.pick(lastFailed == null ? pick : pick.avoiding(lastFailed));
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
        Optional<ProxyProtocolVersion> proxyProtocol = cluster.config().proxyProtocol();
        if (proxyProtocol.isPresent()) {
            Channel down = ctx.channel();
            UpstreamPools.acquirePrivate(down.eventLoop(), chosen, cluster.config(), downstream.transport(),
                    ProxyHeaderWriter.write(proxyProtocol.get(), (InetSocketAddress) down.remoteAddress(),
                            (InetSocketAddress) down.localAddress(), down.alloc()), this);
        } else {
            UpstreamPools.acquire(ctx.channel().eventLoop(), chosen, cluster.config(), downstream.transport(), this);
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
        Channel up = connection.channel();
        if (!request.headers().contains(HttpHeaderNames.HOST)) {
            request.headers().set(HttpHeaderNames.HOST, endpoint.id());
        }
        up.write(request);
        if (hasBody) {
            up.flush();
            downstream.readBody();
        } else {
            up.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            requestSent();
        }
        up.read();
    }

    @Override
    public void upstreamConnectFailed(Throwable cause) {
        if (done) {
            return;
        }
        log.warn("connect to {} failed (route {}, cluster {}): {}", endpoint, route.name(), cluster.name(),
                cause.getMessage());
        endEndpoint(-1);
        lastFailed = endpoint;
        if (tries < maxTries) {
            pickAndConnect();
        } else {
            fail(HttpResponseStatus.BAD_GATEWAY, "could not connect to " + endpoint + ": " + cause.getMessage());
        }
    }

    @Override
    public void upstreamMessage(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
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
                fail(HttpResponseStatus.BAD_GATEWAY, "invalid response from " + endpoint + ": " + cause.getMessage());
            }
            return;
        }
        int code = response.status().code();
        if (code >= 100 && code < 200) {
            if (code == 101) {
                fail(HttpResponseStatus.BAD_GATEWAY, "unexpected 101 Switching Protocols from " + endpoint);
                return;
            }
            informational = true;
            if (!clientHttp10) {
                ProxyHeaders.stripHopByHop(response.headers());
                ctx.write(response);
            }
            return;
        }
        upstreamDeadline = 0;
        armDeadline();
        responseStarted = true;
        upstreamReusable = HttpUtil.isKeepAlive(response);
        HttpHeaders headers = response.headers();
        ProxyHeaders.stripHopByHop(headers);
        ProxyHeaders.apply(route.config().responseHeaders(), headers);
        frameForDownstream(response, code);
        if (!requestSent) {
            // The upstream answered before taking the whole body: the rest of it is unread, so this
            // connection cannot carry another request.
            keepAlive = false;
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientHttp10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        downstream.encoder().answeringHead(head);
        ctx.write(response);
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

    private void onResponseContent(HttpContent content) {
        if (informational) {
            informational = false;
            if (clientHttp10) {
                content.release();
            } else {
                ctx.write(content);
            }
            return;
        }
        ctx.write(content);
        if (content instanceof LastHttpContent) {
            complete();
        }
    }

    @Override
    public void upstreamReadComplete() {
        if (done) {
            return;
        }
        ctx.flush();
        if (ctx.channel().isWritable()) {
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
        String why = cause == null ? "upstream closed the connection" : "upstream failed: " + cause.getMessage();
        if (responseStarted) {
            abortDownstream(why + " mid-response");
        } else {
            upstreamFailedBeforeResponse(why + " before responding");
        }
    }

    // ---- downstream events ----------------------------------------------------------------------------

    void onDownstreamContent(HttpContent content) {
        if (done || upstream == null) {
            content.release();
            return;
        }
        bodyStarted = true;
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
        up.writeAndFlush(content);
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
        finish();
        if (upstream != null) {
            upstream.discard();
        }
    }

    // ---- outcomes -------------------------------------------------------------------------------------

    private void requestSent() {
        requestSent = true;
        if (!responseStarted) {
            upstreamDeadline = System.nanoTime() + cluster.config().upstreamTimeout().toNanos();
            armDeadline();
        }
    }

    private void upstreamFailedBeforeResponse(String why) {
        UpstreamConnection failed = upstream;
        upstream = null;
        if (failed != null) {
            failed.discard();
        }
        boolean replayable = idempotent && !bodyStarted;
        // A pooled connection the upstream had just closed is not the endpoint's fault: one fresh try.
        boolean stale = failed != null && failed.reused() && !staleRetryUsed;
        if (replayable && (stale || tries < maxTries)) {
            log.info("{} (route {}, endpoint {}); retrying", why, route.name(), endpoint);
            endEndpoint(-1);
            if (stale) {
                staleRetryUsed = true;
                tries--;
            } else {
                lastFailed = endpoint;
            }
            requestSent = false;
            upstreamDeadline = 0;
            armDeadline();
            pickAndConnect();
            return;
        }
        fail(HttpResponseStatus.BAD_GATEWAY, why + " (" + endpoint + ")");
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
        log.warn("{} {} -> {} (route {}, cluster {}): {}", request.method(), request.uri(), status.code(),
                route.name(), cluster.name(), why);
        finish();
        if (upstream != null) {
            upstream.discard();
        }
        boolean bodyUnread = hasBody && !requestSent;
        downstream.replyLocal(status, route, !keepAlive || bodyUnread);
    }

    private void abortDownstream(String why) {
        log.warn("{} {} aborted after the response started (route {}, endpoint {}): {}", request.method(),
                request.uri(), route.name(), endpoint, why);
        finish();
        if (upstream != null) {
            upstream.discard();
        }
        downstream.abort();
    }

    private void finish() {
        done = true;
        downstream.deadline().disarm();
        endEndpoint(System.nanoTime() - startNanos);
    }

    private void endEndpoint(long latencyNanos) {
        if (endpointCounted) {
            endpointCounted = false;
            endpoint.requestEnded(latencyNanos);
        }
    }

    /** Arms the connection's deadline for the earliest of this exchange's running deadlines. */
    private void armDeadline() {
        long next = earliest(routeDeadline, upstreamDeadline);
        if (next == 0) {
            downstream.deadline().disarm();
        } else {
            downstream.deadline().arm(next - System.nanoTime());
        }
    }

    private static long earliest(long a, long b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }

    /** The connection's deadline fired: whichever of this exchange's deadlines has passed decides. */
    void onDeadline() {
        if (done) {
            return;
        }
        long now = System.nanoTime();
        if (routeDeadline != 0 && now - routeDeadline >= 0) {
            timedOut("route timeout " + route.config().timeout().get().toMillis() + "ms");
        } else if (upstreamDeadline != 0 && now - upstreamDeadline >= 0) {
            timedOut("upstream " + endpoint + " did not answer within "
                    + cluster.config().upstreamTimeout().toMillis() + "ms");
        } else {
            armDeadline();
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
