package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.weir.proxy.http.upstream.WholeResponse;

/**
 * Writes the HTTP/1.1-shaped response an {@link Exchange} gives one HTTP/2 stream as the stream's frames, through
 * the connection's encoder (which holds DATA back while the client's window is spent). An interim (1xx) head and
 * its empty end become the one HEADERS frame HTTP/2 gives an interim response. Once the final response has gone
 * out whole, a stream whose request is still arriving (the upstream answered before the body ended, or Weir
 * refused it) is reset with NO_ERROR (RFC 9113 §8.1): the client stops sending, and the stream's slot frees. The
 * reset waits for the last frame to be written, since a reset discards what flow control still holds back. A
 * response to HEAD goes without body bytes (a local reply carries some).
 *
 * <p>A final head is held until the next write or flush: when what follows it at once is the empty end of the
 * response, the two go out as one HEADERS frame that ends the stream. That is how HTTP/2 sends a response
 * without a body, and what gRPC requires of a Trailers-Only answer (its status in the only HEADERS frame): a
 * HEADERS frame followed by an empty DATA frame that ends the stream is a protocol error to a gRPC client.
 * Headers are not validated again: a response's were validated by the upstream's decoder, route mutations when
 * the config was loaded.
 */
final class Http2ResponseWriter {

    private final Http2DownstreamHandler connection;
    private final Http2Stream stream;
    private boolean interim;
    private boolean head;
    /** A final response head not written yet. */
    private HttpResponse heldHead;

    Http2ResponseWriter(Http2DownstreamHandler connection, Http2Stream stream) {
        this.connection = connection;
        this.stream = stream;
    }

    /** The response about to be written answers a HEAD request. */
    void answeringHead(boolean head) {
        this.head = head;
    }

    void write(Object msg) {
        if (stream.state() == Http2Stream.State.CLOSED) {
            // Reset by the client, or by the codec: nothing more goes on this stream.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response && isInterim(response)) {
            interim = !(response instanceof FullHttpResponse);
            headers(HttpConversionUtil.toHttp2Headers(response, false), false);
            ReferenceCountUtil.release(msg);
            return;
        }
        if (interim && msg instanceof LastHttpContent end) {
            // The end of the interim response, already complete as its HEADERS frame.
            interim = false;
            end.release();
            return;
        }
        if (head && msg instanceof HttpContent content && content.content().isReadable()) {
            msg = withoutBody(content);
            if (msg == null) {
                return;
            }
        }
        if (heldHead != null) {
            HttpResponse held = heldHead;
            heldHead = null;
            if (msg instanceof LastHttpContent end && !end.content().isReadable() && end.trailingHeaders().isEmpty()) {
                end.release();
                headers(HttpConversionUtil.toHttp2Headers(held, false), true);
                return;
            }
            headers(HttpConversionUtil.toHttp2Headers(held, false), false);
        } else if (msg instanceof HttpResponse response && !(msg instanceof FullHttpResponse)) {
            heldHead = response;
            return;
        }
        if (msg instanceof FullHttpResponse full) {
            boolean bodyless = !full.content().isReadable() && full.trailingHeaders().isEmpty();
            headers(HttpConversionUtil.toHttp2Headers(full, false), bodyless);
            if (bodyless) {
                full.release();
            } else {
                end(full.content(), full.trailingHeaders());
            }
        } else if (msg instanceof LastHttpContent last) {
            end(last.content(), last.trailingHeaders());
        } else if (msg instanceof HttpContent content) {
            data(content.content(), false);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * A response that came whole from an HTTP/1.1 upstream: as frames the connection writes itself where it can,
     * else through the encoder, with HEADERS built straight from the head's lines (hop-by-hop ones already
     * dropped) and the body sent from the buffer it came in.
     */
    void writeWhole(WholeResponse whole) {
        if (stream.state() == Http2Stream.State.CLOSED) {
            whole.release();
            return;
        }
        if (connection.writeWhole(stream, whole)) {
            return;
        }
        ByteBuf bytes = whole.content();
        boolean bodyless = whole.bodyLength() == 0;
        headers(Http2ResponseHead.of(bytes, whole.headLength(), whole.status()), bodyless);
        if (bodyless) {
            bytes.release();
        } else {
            data(bytes.skipBytes(whole.headLength()), true);
        }
    }

    void flush() {
        if (heldHead != null) {
            HttpResponse held = heldHead;
            heldHead = null;
            if (stream.state() != Http2Stream.State.CLOSED) {
                headers(HttpConversionUtil.toHttp2Headers(held, false), false);
            }
        }
        connection.flush(connection.context());
    }

    /** The body's last bytes, then its trailers if it has any; either ends the stream. */
    private void end(ByteBuf content, HttpHeaders trailers) {
        if (trailers.isEmpty()) {
            data(content, true);
            return;
        }
        if (content.isReadable()) {
            data(content, false);
        } else {
            content.release();
        }
        headers(HttpConversionUtil.toHttp2Headers(trailers, false), true);
    }

    private void headers(Http2Headers headers, boolean endStream) {
        connection.encoder().writeHeaders(connection.context(), stream.id(), headers, 0, endStream,
                promise(endStream));
        connection.headersEncoded();
    }

    private void data(ByteBuf content, boolean endStream) {
        connection.encoder().writeData(connection.context(), stream.id(), content, 0, endStream, promise(endStream));
    }

    /**
     * For the frame that ends the response while the request is unfinished: a promise that resets the stream once
     * the frame is written. For every other frame, which is every frame of most streams, a void one (the encoder
     * makes it real where it needs one).
     */
    private ChannelPromise promise(boolean endStream) {
        ChannelHandlerContext ctx = connection.context();
        if (!endStream || !requestUnfinished()) {
            return ctx.voidPromise();
        }
        ChannelPromise written = ctx.newPromise();
        written.addListener(f -> {
            if (f.isSuccess() && requestUnfinished()) {
                connection.resetStream(ctx, stream.id(), Http2Error.NO_ERROR.code(), ctx.voidPromise());
                connection.flush(ctx);
            }
        });
        return written;
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

    /**
     * The client has not ended its side of the stream. Once it has, it cannot take that back: a response written
     * then needs no watching for a reset (nor the promise and listener that would cost, on every stream).
     */
    private boolean requestUnfinished() {
        Http2Stream.State state = stream.state();
        return state == Http2Stream.State.OPEN || state == Http2Stream.State.HALF_CLOSED_LOCAL;
    }
}
