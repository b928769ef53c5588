package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.weir.proxy.HalfClosedEpoll;

/**
 * Sits on both channels of a {@link TcpSession} and hands it their reads, half-closes, errors and closes. It
 * also stops any read asked of a channel whose input has ended (see {@link #read}).
 */
final class Relay extends ChannelDuplexHandler {

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
            HalfClosedEpoll.keepRegistered(ctx.channel());
            session.inputShutdown(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * After the peer's FIN there is nothing left to read, and a read would do harm: Netty's splice turns
     * auto-read back on once a spliced chunk is written, and with epoll that read re-arms EPOLLIN. By then
     * Netty 4.2 may have removed the socket from epoll (its interest set went empty at the FIN) and the
     * re-arm fails with ENOENT (see {@link HalfClosedEpoll}), which closes the channel and drops what is still
     * queued for it; if it was not removed, EPOLLIN on a socket at EOF wakes the loop on every turn until the
     * session closes.
     */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!(ctx.channel() instanceof DuplexChannel duplex) || !duplex.isInputShutdown()) {
            ctx.read();
        }
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
