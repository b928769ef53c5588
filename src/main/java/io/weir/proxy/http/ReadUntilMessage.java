package io.weir.proxy.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Keeps an HTTP/2 stream's {@code read()} alive until it has produced a message. Netty's FlowControlHandler
 * counts a read as satisfied at the next {@code channelReadComplete}, even when the frames read produced no
 * message; the next one would then wait in its queue for a read nobody issues. Sits between the
 * FlowControlHandler and the handler that reads, and asks again until a message arrives. (HTTP/1.1
 * connections use {@link ReadAhead} instead: a stream's reads cost no system call, a socket's do.)
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
