package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.weir.proxy.http.upstream.WholeResponse;

import java.util.ArrayDeque;

/**
 * One HTTP/2 stream of a downstream connection: one request, routed, balanced, retried and reported by the
 * same {@link RequestDispatcher} logic as an HTTP/1.1 request. Its frames come from the connection's
 * {@link Http2DownstreamHandler}, on the connection's event loop, so its upstream connection is on that loop
 * too. A DATA frame is handed to the exchange (and its flow-control window given back to the client) only when
 * the upstream has taken the previous one; until then it waits here, bounded by the stream's window.
 */
final class Http2StreamDispatcher extends RequestDispatcher {

    private final Http2DownstreamHandler connection;
    private final Http2Stream stream;
    private final Http2ResponseWriter writer;
    /** The request was dispatched: anything after it on this stream is its body, or dropped. */
    private boolean dispatched;
    /** Body frames (and trailers) the exchange has not asked for yet; created by the first that waits. */
    private ArrayDeque<HttpContent> pending;
    /** The exchange asked for the next piece of body, and none was here. */
    private boolean bodyWanted;
    /** Handing pieces to the exchange: a read it asks for meanwhile is served by the same loop. */
    private boolean delivering;

    Http2StreamDispatcher(HttpListenerContext listener, Http2DownstreamHandler connection, Http2Stream stream) {
        super(listener);
        this.connection = connection;
        this.stream = stream;
        this.writer = new Http2ResponseWriter(connection, stream);
    }

    /** The request's HEADERS, or its trailers. */
    void onHeaders(Http2Headers headers, boolean endStream) throws Http2Exception {
        if (!dispatched) {
            dispatched = true;
            dispatch(Http2RequestHead.of(stream.id(), headers, endStream));
            return;
        }
        if (closing) {
            return;
        }
        LastHttpContent trailers = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        HttpConversionUtil.addHttp2ToHttpHeaders(stream.id(), headers, trailers.trailingHeaders(),
                HttpVersion.HTTP_1_1, true, true);
        take(trailers);
    }

    /** @param length what the frame counts against flow control: its data and padding */
    void onData(ByteBuf data, int length, boolean endStream) {
        if (closing) {
            // The rest of a request answered already: dropped, and its window given back.
            consume(length);
            return;
        }
        // The padding is never handed on: its window goes back now, the data's when the exchange takes it.
        consume(length - data.readableBytes());
        data.retain();
        take(endStream ? new DefaultLastHttpContent(data) : new DefaultHttpContent(data));
    }

    private void take(HttpContent content) {
        if (pending == null) {
            pending = new ArrayDeque<>(4);
        }
        pending.add(content);
        if (bodyWanted) {
            readBody();
        }
    }

    @Override
    void readBody() {
        bodyWanted = true;
        if (delivering) {
            // Asked from within the exchange's handling of the last piece: the loop below hands over the next.
            return;
        }
        delivering = true;
        try {
            while (bodyWanted && exchange != null && pending != null && !pending.isEmpty()) {
                bodyWanted = false;
                HttpContent next = pending.poll();
                consume(next.content().readableBytes());
                exchange.onDownstreamContent(next);
            }
        } finally {
            delivering = false;
        }
    }

    /** Gives {@code bytes} of window back to the client; a WINDOW_UPDATE, when one is due, goes out at once. */
    private void consume(int bytes) {
        if (bytes > 0) {
            try {
                if (connection.connection().local().flowController().consumeBytes(stream, bytes)) {
                    connection.flush(ctx);
                }
            } catch (Http2Exception e) {
                connection.onError(ctx, false, e);
            }
        }
    }

    /** What the client sent that no exchange will take: released, and its window given back. */
    private void dropPending() {
        bodyWanted = false;
        if (pending != null) {
            HttpContent content;
            while ((content = pending.poll()) != null) {
                consume(content.content().readableBytes());
                content.release();
            }
        }
    }

    @Override
    void write(Object msg) {
        writer.write(msg);
    }

    @Override
    void flush() {
        writer.flush();
    }

    /** A stream ends with its response: {@code close} is the connection's business, not the stream's. */
    @Override
    void writeWhole(WholeResponse whole, boolean close) {
        writer.writeWhole(whole);
    }

    @Override
    boolean isWritable() {
        return connection.connection().remote().flowController().isWritable(stream);
    }

    @Override
    DownstreamPeer peer() {
        return connection.peer();
    }

    @Override
    Channel connection() {
        return ctx.channel();
    }

    @Override
    String protocol(HttpRequest request) {
        return "HTTP/2";
    }

    @Override
    boolean mayKeepAlive() {
        return true;
    }

    @Override
    void answeringHead(boolean head) {
        writer.answeringHead(head);
    }

    @Override
    boolean closesAfter(boolean close) {
        // A stream ends with its response; Connection: close means nothing to HTTP/2 (it is never sent).
        return false;
    }

    @Override
    void exchangeDone(boolean keepAlive) {
        exchange = null;
        closing = true;
        dropPending();
        writer.flush();
    }

    @Override
    void abort() {
        exchange = null;
        closing = true;
        dropPending();
        connection.resetStream(ctx, stream.id(), Http2Error.INTERNAL_ERROR.code(), ctx.voidPromise());
        writer.flush();
    }

    @Override
    void downstreamClosed() {
        super.downstreamClosed();
        dropPending();
    }
}
