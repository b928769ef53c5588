package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * The two clocks of a downstream connection between requests. While it waits for a request, the idle
 * timeout runs; from the first byte of a request head, a fixed deadline for the whole head runs, so a
 * client that drips one byte at a time is cut off (408) when the deadline passes, not when it goes quiet.
 * Sits before the decoder, on raw bytes.
 */
final class DownstreamTimeouts extends ChannelDuplexHandler {

    /** Fired inbound when a request head's deadline passes: the connection's request handler answers 408. */
    static final Object HEAD_TIMED_OUT = new Object() {
        @Override
        public String toString() {
            return "HEAD_TIMED_OUT";
        }
    };

    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private ChannelHandlerContext ctx;
    private Deadline deadline;
    private boolean awaitingRequest;
    private boolean headStarted;

    DownstreamTimeouts(long headerTimeoutNanos, long idleTimeoutNanos) {
        this.headerTimeoutNanos = headerTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = new Deadline(ctx.executor(), this::expired);
    }

    /** Off the pipeline (the connection switched to HTTP/2): the clocks stop for good. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** The connection waits for a request; {@code bytesBuffered} = part of the next one already arrived. */
    void awaitRequest(boolean bytesBuffered) {
        awaitingRequest = true;
        headStarted = bytesBuffered;
        arm(bytesBuffered ? headerTimeoutNanos : idleTimeoutNanos);
    }

    /** A whole request head arrived: the clocks stop until the exchange ends. */
    void headReceived() {
        awaitingRequest = false;
        headStarted = false;
        cancel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingRequest && !headStarted && msg instanceof ByteBuf buf && buf.isReadable()) {
            headStarted = true;
            arm(headerTimeoutNanos);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void arm(long nanos) {
        deadline.arm(nanos);
    }

    private void cancel() {
        deadline.disarm();
    }

    private void expired() {
        if (!awaitingRequest || !ctx.channel().isActive()) {
            return;
        }
        awaitingRequest = false;
        if (headStarted) {
            // Answered (408), logged and reported like any refused request, by the handler that answers them.
            ctx.fireUserEventTriggered(HEAD_TIMED_OUT);
        } else {
            ctx.close();
        }
    }
}
