package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * On a cleartext listener with HTTP/2: tells a client speaking HTTP/2 with prior knowledge (RFC 9113 §3.3,
 * the connection preface {@code PRI * HTTP/2.0...}) from an HTTP/1.1 one by its first bytes, then leaves the
 * connection to the handlers of the protocol it found. An HTTP/1.1 request is told apart by its first byte
 * or two, so it passes without a copy; only bytes that could still be a preface wait here.
 */
final class CleartextPreface extends ChannelInboundHandlerAdapter {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final HttpListenerContext listener;
    private ByteBuf seen;

    CleartextPreface(HttpListenerContext listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf bytes = in;
        if (seen != null) {
            seen.writeBytes(in);
            in.release();
            bytes = seen;
        }
        int compared = Math.min(bytes.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(bytes, bytes.readerIndex(), PREFACE, PREFACE.readerIndex(), compared)) {
            leave(ctx, bytes);
        } else if (compared == PREFACE.readableBytes()) {
            Http2Downstream.switchTo(ctx.pipeline(), listener);
            leave(ctx, bytes);
        } else if (seen == null) {
            seen = ctx.alloc().buffer(PREFACE.readableBytes()).writeBytes(in);
            in.release();
        }
        // Else still a prefix of the preface: the next read (HTTP/1.1's handlers keep asking) brings more.
    }

    private void leave(ChannelHandlerContext ctx, ByteBuf bytes) {
        seen = null;
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(bytes);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (seen != null) {
            seen.release();
            seen = null;
        }
    }
}
