package io.weir.proxy.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sets up the child channel of each stream a client opens, then leaves it: the request codec (one for all
 * streams), the {@link Http2ResponseWriter} and the stream's {@link Http2StreamHandler}. What a
 * ChannelInitializer does, without the bookkeeping that guards against a channel initialised twice (a shared
 * map entry and a task to clear it, per stream), which cannot happen here: the multiplexer adds this to a
 * child channel once, before registering it.
 *
 * <p>Reads are explicit, and need no flow-control handler: with auto-read off, a stream channel hands over one
 * frame per {@code read()} (Netty's read loop continues only under auto-read), and the codec turns each
 * HEADERS or DATA frame into exactly one message.
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
        Http2ResponseWriter writer = new Http2ResponseWriter();
        ctx.pipeline().addLast(Http2RequestCodec.INSTANCE, writer, new Http2StreamHandler(listener, writer));
        ctx.pipeline().remove(this);
    }
}
