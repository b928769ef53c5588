package io.weir.proxy.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.flow.FlowControlHandler;

/**
 * Sets up the child channel of each stream a client opens, then leaves it: the request codec (one for all
 * streams), the {@link Http2ResponseWriter}, explicit reads through a FlowControlHandler, and the stream's
 * {@link Http2StreamHandler}. What a ChannelInitializer does, without the bookkeeping that guards against a
 * channel initialised twice (a shared map entry and a task to clear it, per stream), which cannot happen here:
 * the multiplexer adds this to a child channel once, before registering it.
 */
@ChannelHandler.Sharable
final class Http2StreamPipeline extends ChannelInboundHandlerAdapter {

    private final HttpListenerContext listener;

    Http2StreamPipeline(HttpListenerContext listener) {
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        ctx.pipeline().addLast(Http2RequestCodec.INSTANCE, new Http2ResponseWriter(), new FlowControlHandler(),
                new ReadUntilMessage(), new Http2StreamHandler(listener));
        ctx.pipeline().remove(this);
    }
}
