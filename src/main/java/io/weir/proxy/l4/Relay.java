package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits on both channels of a {@link TcpSession} and hands it their reads, half-closes, errors and closes (reads
 * asked after a FIN are dropped by {@link io.weir.proxy.HalfClosure}, first on both channels). A spliced session's
 * channels leave Netty once its {@link SplicePump} has them, and from then on nothing reaches this handler.
 */
final class Relay extends ChannelInboundHandlerAdapter {

    private final TcpSession session;

    Relay(TcpSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            // A tunnel opened after an HTTP exchange may still see that exchange's end marker: not bytes.
            ReferenceCountUtil.release(msg);
            ctx.channel().read();
            return;
        }
        session.forward(ctx.channel(), msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            session.inputShutdown(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.abort(ctx.channel(), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.closed(ctx.channel());
        ctx.fireChannelInactive();
    }
}
