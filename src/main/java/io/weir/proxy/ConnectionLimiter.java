package io.weir.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps a listener's open downstream connections (http and tcp listeners alike). At the cap the listener
 * stops accepting, so further clients wait in the kernel's backlog instead of being accepted and dropped;
 * it resumes on a close.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimiter(int max) {
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() >= max) {
            setAccepting(ctx.channel().parent(), false);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (open.decrementAndGet() < max) {
            setAccepting(ctx.channel().parent(), true);
        }
        ctx.fireChannelInactive();
    }

    private static void setAccepting(Channel server, boolean accepting) {
        if (server != null && server.config().isAutoRead() != accepting) {
            server.config().setAutoRead(accepting);
            if (accepting) {
                server.read();
            }
        }
    }
}
