package io.weir.proxy.http;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Hands the downstream handler one decoded message per {@code read()} it issues, so it takes requests one at a
 * time and a body only as fast as the upstream accepts it, while the socket itself keeps one read pending.
 *
 * <p>Why not Netty's FlowControlHandler with auto-read off: every request would then leave the socket with no
 * read pending, and epoll's interest in it would be taken away and given back, two {@code epoll_ctl} calls per
 * request on the hottest path. Here the socket reads ahead of the handler, and what it decodes waits in a
 * bounded queue: reading stops (and only then does epoll forget the socket) when the handler falls behind by
 * {@link #MAX_HELD_BYTES} of body or {@link #MAX_HELD_MESSAGES} messages — a client streaming an upload faster
 * than the upstream takes it, or a flood of pipelined requests. A read that decoded nothing (part of a head)
 * is followed by another, so a message never waits for a read nobody issues.
 *
 * <p>Reading ahead means a client's end of input (it shut its sending side: half-closure is on for downstream
 * connections) is seen while its last request is still in flight. It is passed to the handler as a message,
 * {@link ChannelInputShutdownEvent#INSTANCE}, in order after the requests before it, so that request still
 * gets its response before the connection closes (as HAProxy does; a client that half-closes is not gone).
 */
final class ReadAhead extends ChannelDuplexHandler {

    static final int MAX_HELD_BYTES = 64 * 1024;
    static final int MAX_HELD_MESSAGES = 32;

    private final ArrayDeque<Object> held = new ArrayDeque<>(4);
    private long heldBytes;
    /** The handler asked for a message and has not had one yet. */
    private boolean wanted;
    /** A read is pending at the channel, from this handler's last read() until its channelReadComplete. */
    private boolean reading;

    @Override
    public void read(ChannelHandlerContext ctx) {
        Object next = held.poll();
        if (next != null) {
            heldBytes -= bytes(next);
            ctx.fireChannelRead(next);
            readSocket(ctx);
        } else {
            wanted = true;
            readSocket(ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (wanted) {
            wanted = false;
            ctx.fireChannelRead(msg);
        } else {
            held.add(msg);
            heldBytes += bytes(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            channelRead(ctx, evt);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        readSocket(ctx);
        ctx.fireChannelReadComplete();
    }

    private void readSocket(ChannelHandlerContext ctx) {
        boolean inputEnded = ctx.channel() instanceof DuplexChannel d && d.isInputShutdown();
        if (!reading && !inputEnded && heldBytes < MAX_HELD_BYTES && held.size() < MAX_HELD_MESSAGES
                && ctx.channel().isActive()) {
            reading = true;
            ctx.read();
        }
    }

    private static long bytes(Object msg) {
        return msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        for (Object msg; (msg = held.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
        heldBytes = 0;
    }
}
