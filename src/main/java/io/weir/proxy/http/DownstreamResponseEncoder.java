package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Response encoder that knows when the response answers a HEAD request: its headers may announce a
 * body (Content-Length, chunked) that is never sent, so the encoder must write none, not even a
 * terminating chunk.
 */
final class DownstreamResponseEncoder extends HttpResponseEncoder {

    /** A whole response, head and body, already encoded; it passes this encoder untouched. */
    static final class Encoded extends DefaultByteBufHolder {
        Encoded(ByteBuf bytes) {
            super(bytes);
        }
    }

    private boolean answeringHead;

    void answeringHead(boolean head) {
        this.answeringHead = head;
    }

    /** Bytes already in HTTP/1.1 form (a forwarded {@code WholeResponse}): written as they are. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof Encoded encoded) {
            ctx.write(encoded.content(), promise);
        } else {
            super.write(ctx, msg, promise);
        }
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        if (answeringHead && msg.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            return true;
        }
        return super.isContentAlwaysEmpty(msg);
    }
}
