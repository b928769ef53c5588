package io.weir.proxy.http.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.weir.cluster.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One h2 connection to an endpoint (the last handler of its pipeline) and the home of the streams it carries.
 * It takes streams once the endpoint's first SETTINGS arrived, up to the endpoint's
 * SETTINGS_MAX_CONCURRENT_STREAMS; requests that come while it connects wait here. A GOAWAY retires it: no new
 * streams, and it closes when its last stream ends. Without streams for the pool's idle timeout, it closes.
 */
final class H2Connection extends ChannelInboundHandlerAdapter implements UpstreamHome {

    private static final Logger log = LoggerFactory.getLogger(H2Connection.class);

    /** Streams per connection before it retires, far below the 2^30 client stream ids h2 allows. */
    static final long MAX_STREAMS_PER_CONNECTION = 1L << 29;

    private enum State { CONNECTING, READY, RETIRED, CLOSED }

    private final H2Pool pool;
    private final Endpoint endpoint;
    private final long idleTimeoutNanos;
    private final long readyTimeoutNanos;
    private final int connectionWindowIncrement;
    /** Whether the requests waiting here already lost one connection that closed before it was ready. */
    private final boolean secondTry;
    private final ArrayDeque<UpstreamListener> waiting = new ArrayDeque<>();
    private Channel channel;
    private Http2StreamChannelBootstrap streams;
    private State state = State.CONNECTING;
    /** Streams handed out and not yet closed. */
    private int active;
    private long opened;
    /** The endpoint's SETTINGS_MAX_CONCURRENT_STREAMS; unlimited until it says. */
    private long maxStreams = Long.MAX_VALUE;
    private Throwable failure;
    /**
     * Weir itself ended this connection: the endpoint is unfit (not h2, no SETTINGS, no streams, TLS refused), so
     * another connection would fail too, or a drain closed it. Its waiting requests fail instead of trying again.
     */
    private boolean giveUp;
    private ScheduledFuture<?> timer;

    H2Connection(H2Pool pool, Endpoint endpoint, long idleTimeoutNanos, long readyTimeoutNanos,
                 int connectionWindowIncrement, boolean secondTry) {
        this.pool = pool;
        this.secondTry = secondTry;
        this.endpoint = endpoint;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.readyTimeoutNanos = readyTimeoutNanos;
        this.connectionWindowIncrement = connectionWindowIncrement;
    }

    boolean connecting() {
        return state == State.CONNECTING;
    }

    boolean hasCapacity() {
        return state == State.READY && active < maxStreams && channel.isActive();
    }

    int activeStreams() {
        return active;
    }

    /** Parks {@code listener} until the connection is ready (or failed). */
    void enqueue(UpstreamListener listener) {
        waiting.add(listener);
    }

    /** Opens a stream for {@code listener}; the caller checked {@link #hasCapacity()}. */
    void open(UpstreamListener listener) {
        active++;
        opened++;
        cancelTimer();
        boolean reused = opened > 1;
        if (opened >= MAX_STREAMS_PER_CONNECTION) {
            retire();
        }
        streams.open().addListener((Future<Http2StreamChannel> f) -> {
            if (f.isSuccess()) {
                Http2StreamChannel stream = f.getNow();
                stream.closeFuture().addListener(c -> streamClosed());
                UpstreamConnection conn = stream.pipeline().get(UpstreamConnection.class);
                conn.bind(listener, reused);
                listener.upstreamReady(conn);
            } else {
                // Nothing was sent: the request goes to another connection, and this one takes no more.
                log.debug("opening a stream to {} failed; retiring the connection", endpoint, f.cause());
                streamClosed();
                retire();
                pool.acquire(listener);
            }
        });
    }

    // ---- the streams' home ----------------------------------------------------------------------------

    @Override
    public void opened(UpstreamConnection conn) {
        // The h2 connection is what counts towards the endpoint's connections, not its streams.
    }

    /** A stream is never reused: the exchange is done with it, so it closes (a reset if it is still open). */
    @Override
    public void release(UpstreamConnection conn) {
        conn.channel().close();
    }

    @Override
    public void closed(UpstreamConnection conn) {
        // Counted by the stream channel's close future, which also covers a stream that never became active.
    }

    private void streamClosed() {
        active--;
        if (active > 0 || state == State.CLOSED) {
            return;
        }
        if (state == State.RETIRED || endpoint.isDraining()) {
            channel.close();
        } else if (state == State.READY) {
            cancelTimer();
            timer = channel.eventLoop().schedule(this::idleTimeout, idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void idleTimeout() {
        timer = null;
        if (active == 0) {
            log.debug("h2 connection to {} idle for {}ms; closing", endpoint,
                    TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos));
            retire();
            channel.close();
        }
    }

    // ---- the connection's events ----------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        H2Connection home = this;
        streams = new Http2StreamChannelBootstrap(channel)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        UpstreamConnection conn = new UpstreamConnection(endpoint, home);
                        ch.pipeline().addLast(new H2StreamCodec(conn), conn);
                    }
                });
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        endpoint.connectionOpened();
        // The preface went out from the codec ahead of this handler; a larger connection window lets streams
        // whose clients read slowly hold their own window without stalling the others.
        ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(connectionWindowIncrement), ctx.voidPromise());
        timer = ctx.executor().schedule(() -> {
            timer = null;
            if (state == State.CONNECTING) {
                failure = new IOException("no HTTP/2 SETTINGS from " + endpoint + " within "
                        + TimeUnit.NANOSECONDS.toMillis(readyTimeoutNanos) + "ms: does it speak h2 on this port?");
                giveUp = true;
                ctx.close();
            }
        }, readyTimeoutNanos, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess() && failure == null) {
            failure = handshake.cause();
            giveUp = true;
        } else if (evt instanceof SslHandshakeCompletionEvent handshake) {
            String alpn = ctx.pipeline().get(SslHandler.class).applicationProtocol();
            if (alpn != null && !alpn.equals(ApplicationProtocolNames.HTTP_2)) {
                failure = new IOException(endpoint + " chose " + alpn + " in ALPN, not h2; set protocol: http1 "
                        + "for this cluster, or enable h2 on the endpoint");
                giveUp = true;
                ctx.close();
                return;
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame settings) {
                Long max = settings.settings().maxConcurrentStreams();
                if (max != null) {
                    maxStreams = max;
                }
                if (state == State.CONNECTING) {
                    ready();
                }
            } else if (msg instanceof Http2GoAwayFrame goAway) {
                Http2Error error = Http2Error.valueOf(goAway.errorCode());
                if (goAway.errorCode() == Http2Error.NO_ERROR.code()) {
                    log.debug("{} sent GOAWAY (last stream {}); new requests go to another connection", endpoint,
                            goAway.lastStreamId());
                } else {
                    log.warn("{} sent GOAWAY with {} (last stream {}): {}", endpoint,
                            error == null ? "error " + goAway.errorCode() : error, goAway.lastStreamId(),
                            goAway.content().toString(StandardCharsets.UTF_8));
                }
                retire();
                if (active == 0) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void ready() {
        state = State.READY;
        cancelTimer();
        if (maxStreams == 0) {
            // Another connection would hear the same: fail now instead of opening connections in a loop.
            failWaiting(new IOException(endpoint + " allows no concurrent streams (SETTINGS_MAX_CONCURRENT_STREAMS 0)"));
            giveUp = true;
            retire();
            channel.close();
            return;
        }
        UpstreamListener next;
        while ((next = waiting.poll()) != null) {
            if (hasCapacity()) {
                open(next);
            } else {
                pool.acquire(next);
            }
        }
        if (active == 0 && state == State.READY) {
            timer = channel.eventLoop().schedule(this::idleTimeout, idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** No new streams; those open finish. */
    void retire() {
        if (state == State.CONNECTING) {
            tryElsewhereOrFail(new IOException(endpoint + " sent GOAWAY before the connection was ready"));
        }
        if (state != State.CLOSED) {
            state = State.RETIRED;
            pool.retired(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            giveUp = state == State.CONNECTING && cause instanceof Http2Exception;
            failure = giveUp
                    ? new IOException(endpoint + " does not speak HTTP/2 here (" + cause.getMessage()
                            + "); is it an HTTP/1.1 server? then set protocol: http1", cause)
                    : cause;
        }
        log.debug("h2 connection to {} failed", endpoint, cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endpoint.connectionClosed();
        Throwable cause = failure != null ? failure
                : new IOException(endpoint + " closed the connection before its HTTP/2 SETTINGS");
        if (state == State.CONNECTING) {
            // Connected, then closed before it was ready: nothing was sent for the requests waiting here.
            tryElsewhereOrFail(cause);
        }
        closedDown(cause);
        ctx.fireChannelInactive();
    }

    /**
     * The connect failed. Refused or timed out, the endpoint is not there: the exchanges choose what next. Any
     * other error means it accepted and dropped the connection at once (a reset), as one closing down does.
     */
    void connectFailed(Throwable cause) {
        if (!(cause instanceof ConnectException)) {
            tryElsewhereOrFail(cause);
        }
        closedDown(cause);
    }

    /** The connect itself failed, or the connection closed: nothing waits on it any more. */
    void closedDown(Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cancelTimer();
        pool.closed(this);
        failWaiting(cause);
    }

    /**
     * An endpoint that accepted the connection and then closed it or sent GOAWAY before its SETTINGS is most
     * likely shutting down that very moment, and a fresh connection may well go elsewhere (a restarted process,
     * another pod behind the address): the requests waiting here get one more connection, since none of them
     * was sent. A second such close, or an endpoint Weir judged unfit, fails them as a connect failure.
     */
    private void tryElsewhereOrFail(Throwable cause) {
        if (secondTry || giveUp || waiting.isEmpty()) {
            failWaiting(cause);
            return;
        }
        log.debug("h2 connection to {} closed before it was ready ({}); its requests try a new one", endpoint,
                cause.toString());
        List<UpstreamListener> again = new ArrayList<>(waiting);
        waiting.clear();
        state = State.RETIRED;
        pool.retired(this);
        pool.connectAgain(again);
    }

    private void failWaiting(Throwable cause) {
        UpstreamListener next;
        while ((next = waiting.poll()) != null) {
            next.upstreamConnectFailed(cause);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    void close() {
        giveUp = true;
        if (channel != null) {
            channel.close();
        }
    }
}
