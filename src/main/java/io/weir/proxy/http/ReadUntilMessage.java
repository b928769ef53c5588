package io.weir.proxy.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Keeps a downstream {@code read()} alive until it has produced a message. Netty's FlowControlHandler
 * counts a read as satisfied at the next {@code channelReadComplete}, even when the socket read brought
 * only part of a request head or chunk line and the decoder emitted nothing; the message decoded from
 * the next socket read would then wait in its queue for a read nobody issues. Sits between the
 * FlowControlHandler and the handler that reads, and asks again until a message arrives.
 */
final class ReadUntilMessage extends ChannelDuplexHandler {

    private boolean waiting;

    @Override
    public void read(ChannelHandlerContext ctx) {
        waiting = true;
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        waiting = false;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (waiting && ctx.channel().isActive()) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }
}
