package io.weir.runtime;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Drops a read asked for after the channel was told to close. On io_uring (Netty 4.2.18) a close waits
 * for in-flight writes; a read scheduled in that window (the pipeline's own auto-read when a connect
 * listener or a {@code channelActive} handler closed the channel, or any handler's {@code read()}) is never
 * cancelled, and the close then waits for it forever: the socket stays open, the peer never sees a FIN.
 * Sits first in every io_uring stream channel's pipeline, so it sees every close and read.
 */
final class ReadAfterCloseGuard extends ChannelOutboundHandlerAdapter {

    private boolean closing;

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        closing = true;
        ctx.close(promise);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!closing) {
            ctx.read();
        }
    }
}
