package io.weir.proxy.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelOption;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Makes a downstream connection speak HTTP/2: an {@link Http2DownstreamHandler} with the listener's limits, which
 * hands each stream's request, as HTTP/1.1-shaped objects, to an {@link Http2StreamDispatcher}.
 *
 * <p>The limits that keep one client from hurting the others: at most {@code max_concurrent_streams} open
 * streams (more are refused with REFUSED_STREAM); a header list at most {@code max_header_size} after HPACK
 * decoding (431, or GOAWAY for a block far over it, which also bounds CONTINUATION floods); at most
 * {@code max_resets} streams reset by the client per {@code reset_window} (rapid reset, CVE-2023-44487: GOAWAY);
 * at most 10,000 control frames (PING, SETTINGS acks) queued while the client does not read (GOAWAY); and
 * malformed requests (missing pseudo-headers, connection-specific or upper-case header names, a
 * content-length the DATA frames do not match) are reset before any of them reaches an upstream.
 */
final class Http2Downstream {

    /** Netty's default; named here because the docs promise it. */
    static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;

    private Http2Downstream() {
    }

    /**
     * Replaces the connection's HTTP/1.1 handlers with HTTP/2 ones, added last; the client's preface (and what
     * follows it) is then read by the frame codec. Reads go automatic: HTTP/2 flow control, not socket reads,
     * bounds what a client may send.
     */
    static void switchTo(ChannelPipeline p, HttpListenerContext listener) {
        removeHttp1(p);
        p.addLast(flushes());
        p.addLast(Http2DownstreamHandler.create(listener));
        p.addLast(new Http2IdleTimeout(listener.config().idleTimeout().toNanos()));
        p.channel().config().setAutoRead(true);
        // HTTP/1.1 lets a client half-close after its request (see ReadAhead); in HTTP/2 a client that ends its
        // side of the connection is gone, and its streams with it.
        p.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }

    /** From the handler side towards the socket, so no removed decoder feeds a removed handler. */
    static void removeHttp1(ChannelPipeline p) {
        removeIfPresent(p, DownstreamHandler.class);
        removeIfPresent(p, ReadAhead.class);
        removeIfPresent(p, DownstreamResponseEncoder.class);
        removeIfPresent(p, StrictRequestDecoder.class);
        removeIfPresent(p, DownstreamTimeouts.class);
    }

    private static void removeIfPresent(ChannelPipeline p, Class<? extends ChannelHandler> type) {
        if (p.get(type) != null) {
            p.remove(type);
        }
    }

    /**
     * Goes between the socket (or TLS) and the frame codec. Each stream's response is flushed when the upstream
     * delivers it, which is outside any read of this connection: without this, every response would cost its
     * own TLS record and its own system call. Flushes outside a read are instead gathered into one at the end
     * of the event loop's turn (all the responses that came in it, in one write); flushes during a read wait
     * for the read's end, as before.
     */
    static FlushConsolidationHandler flushes() {
        return new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
    }
}
