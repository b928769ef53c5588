package io.weir.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Fits the HTTP/1.1-shaped response an {@link Exchange} writes to one HTTP/2 stream. An interim (1xx) head
 * and its empty end become the one HEADERS frame HTTP/2 gives an interim response. And once the final
 * response has gone out whole, a stream whose request is still arriving (the upstream answered before the
 * body ended, or Weir refused it) is reset with NO_ERROR (RFC 9113 §8.1): the client stops sending, and the
 * stream's slot frees. The reset waits for the last frame to be written, since a reset discards what flow
 * control still holds back. A response to HEAD goes without body bytes (a local reply carries some).
 *
 * <p>A final head is held until the next write or flush: when what follows it at once is the empty end of the
 * response, the two go out as one HEADERS frame that ends the stream. That is how HTTP/2 sends a response
 * without a body, and what gRPC requires of a Trailers-Only answer (its status in the only HEADERS frame): a
 * HEADERS frame followed by an empty DATA frame that ends the stream is a protocol error to a gRPC client.
 */
final class Http2ResponseWriter extends ChannelOutboundHandlerAdapter {

    private boolean interim;
    private boolean head;
    /** A final response head not written yet, and the promise of its write. */
    private HttpResponse heldHead;
    private ChannelPromise heldPromise;

    /** The response about to be written answers a HEAD request. */
    void answeringHead(boolean head) {
        this.head = head;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse head && isInterim(head)) {
            if (head instanceof FullHttpResponse) {
                ctx.write(msg, promise);
            } else {
                interim = true;
                ctx.write(new DefaultFullHttpResponse(head.protocolVersion(), head.status(), Unpooled.EMPTY_BUFFER,
                        head.headers(), EmptyHttpHeaders.INSTANCE), promise);
            }
            return;
        }
        if (interim && msg instanceof LastHttpContent end) {
            // The end of the interim response, already complete as its HEADERS frame.
            interim = false;
            end.release();
            promise.trySuccess();
            return;
        }
        if (head && msg instanceof HttpContent content && content.content().isReadable()) {
            msg = withoutBody(content);
            if (msg == null) {
                promise.trySuccess();
                return;
            }
        }
        if (heldHead != null) {
            HttpResponse held = heldHead;
            ChannelPromise heldWrite = heldPromise;
            heldHead = null;
            heldPromise = null;
            if (msg instanceof LastHttpContent end && !end.content().isReadable() && end.trailingHeaders().isEmpty()) {
                end.release();
                promise.trySuccess();
                msg = new DefaultFullHttpResponse(held.protocolVersion(), held.status(), Unpooled.EMPTY_BUFFER,
                        held.headers(), EmptyHttpHeaders.INSTANCE);
                promise = heldWrite;
            } else {
                ctx.write(held, heldWrite);
            }
        } else if (msg instanceof HttpResponse response && !(msg instanceof FullHttpResponse)) {
            heldHead = response;
            heldPromise = promise;
            return;
        }
        if (msg instanceof LastHttpContent && requestUnfinished(ctx)) {
            ChannelPromise written = promise.unvoid();
            ctx.write(msg, written);
            written.addListener(f -> {
                if (f.isSuccess()) {
                    resetIfRequestUnfinished(ctx);
                }
            });
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (heldHead != null) {
            ctx.write(heldHead, heldPromise);
            heldHead = null;
            heldPromise = null;
        }
        ctx.flush();
    }

    /** The same message without its body bytes; null for a piece of body that is nothing else. */
    private static Object withoutBody(HttpContent content) {
        if (content instanceof FullHttpResponse full) {
            FullHttpResponse empty = full.replace(Unpooled.EMPTY_BUFFER);
            full.release();
            return empty;
        }
        Object rest = content instanceof LastHttpContent last
                ? new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, last.trailingHeaders()) : null;
        content.release();
        return rest;
    }

    private static boolean isInterim(HttpResponse head) {
        return head.status().codeClass() == HttpStatusClass.INFORMATIONAL && head.status().code() != 101;
    }

    private static void resetIfRequestUnfinished(ChannelHandlerContext ctx) {
        if (requestUnfinished(ctx)) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
    }

    /**
     * The client has not ended its side of the stream. Once it has, it cannot take that back: a response written
     * then needs no watching for a reset (nor the promise and listener that would cost, on every stream).
     */
    private static boolean requestUnfinished(ChannelHandlerContext ctx) {
        Http2Stream.State state = ((Http2StreamChannel) ctx.channel()).stream().state();
        return state == Http2Stream.State.OPEN || state == Http2Stream.State.HALF_CLOSED_LOCAL;
    }
}
