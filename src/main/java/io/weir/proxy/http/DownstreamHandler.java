package io.weir.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.weir.proxy.http.upstream.WholeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One downstream HTTP/1.1 connection: takes one request at a time (pipelined ones wait, decoded, in
 * {@link ReadAhead}, so responses leave in order), and hands each to the shared per-request logic of
 * {@link RequestDispatcher}. Owns what is HTTP/1.1's own: the keep-alive loop, the header and idle clocks,
 * {@code Connection: close} and the lingering close. Reads are explicit: a request body is read only as
 * fast as the upstream takes it.
 */
final class DownstreamHandler extends RequestDispatcher {

    private static final Logger log = LoggerFactory.getLogger(DownstreamHandler.class);
    /** How long an idle connection stays open once shutdown begins, for a request already on its way. */
    static final long IDLE_CLOSE_GRACE_MILLIS = 1000;

    private final DownstreamTimeouts timeouts;
    private final StrictRequestDecoder decoder;
    private final DownstreamResponseEncoder encoder;
    /** Shutting down: finish the request in flight, answer it with {@code Connection: close}, then close. */
    private boolean closeAfterExchange;

    DownstreamHandler(HttpListenerContext listener, DownstreamTimeouts timeouts, StrictRequestDecoder decoder,
                      DownstreamResponseEncoder encoder) {
        super(listener);
        this.timeouts = timeouts;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        timeouts.awaitRequest(false);
        requestRead();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DownstreamTimeouts.HEAD_TIMED_OUT) {
            if (!closing && exchange == null) {
                reject(null, new HttpRejection(HttpResponseStatus.REQUEST_TIMEOUT,
                        "request head not complete within request_header_timeout"));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Asks for one more message; {@link ReadAhead} hands over one already decoded, or reads until one comes. */
    private void requestRead() {
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            // The last response went (Connection: close, or a refusal): what ReadAhead held or the lingering
            // close's read brings is never served, and above all never forwarded.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg == ChannelInputShutdownEvent.INSTANCE) {
            inputEnded();
        } else if (msg instanceof HttpRejection rejection) {
            reject(null, rejection);
        } else if (msg instanceof FullHttpRequest full) {
            // An h2c upgrade that could not be taken, aggregated (bodiless) by the upgrade handler: served as is.
            timeouts.headReceived();
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            head.setDecoderResult(full.decoderResult());
            full.release();
            dispatch(head);
        } else if (msg instanceof HttpRequest request) {
            timeouts.headReceived();
            dispatch(request);
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

    @Override
    Channel connection() {
        return ctx.channel();
    }

    @Override
    String protocol(HttpRequest request) {
        return request.protocolVersion().text();
    }

    @Override
    boolean mayKeepAlive() {
        return !closing && !closeAfterExchange;
    }

    @Override
    boolean closesAfter(boolean close) {
        return close || closeAfterExchange;
    }

    @Override
    void answeringHead(boolean head) {
        encoder.answeringHead(head);
    }

    /** The bytes pass the response encoder as they are. */
    @Override
    void writeWhole(WholeResponse whole, boolean close) {
        write(new DownstreamResponseEncoder.Encoded(whole.toDownstream(ctx.alloc(), close)));
    }

    @Override
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
     * Graceful shutdown, on this connection's event loop: one with a request in flight closes after its
     * response, which carries {@code Connection: close} when its head has not gone yet, so the client knows not
     * to send another request on it. An idle one closes after {@link #IDLE_CLOSE_GRACE_MILLIS}: a request the
     * client sent just before may be on its way, and a close would lose it without the client knowing whether
     * it was served. One that comes in that time is answered, with {@code Connection: close}.
     */
    void closeGracefully() {
        if (closing || closeAfterExchange) {
            return;
        }
        closeAfterExchange = true;
        if (exchange != null) {
            exchange.closeAfterResponse();
        } else if (idle()) {
            ctx.executor().schedule(() -> {
                if (!closing && idle()) {
                    closing = true;
                    ctx.close();
                }
            }, IDLE_CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
        // Else part of a request head is here: it is answered (with Connection: close) like one in flight;
        // request_header_timeout still bounds a client that never finishes it.
    }

    private boolean idle() {
        return exchange == null && !awaitingLimit && !decoder.hasBufferedBytes();
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

    @Override
    void abort() {
        exchange = null;
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            downstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        downstreamClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("downstream {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
