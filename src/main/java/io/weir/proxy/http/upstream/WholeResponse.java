package io.weir.proxy.http.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * An upstream response that arrived whole, head and Content-Length body, in the bytes the upstream codec holds,
 * and whose head needs nothing from Weir but its hop-by-hop lines dropped (see {@link WholeResponseParser}). It
 * goes downstream as bytes, rewritten in the buffer it was read into, not decoded into header objects and encoded
 * again. {@link #content()} is the response as the upstream sent it.
 */
public final class WholeResponse extends DefaultByteBufHolder {

    private static final byte[] HTTP_11 = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' '};
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final int status;
    private final boolean keepAlive;
    private final int headLength;
    /** Offsets in {@link #content()}: from the status code to the end of the last header line (before the blank one). */
    private final int statusStart;
    /** Pairs of offsets [start, end) of the header lines that stay with this hop. */
    private final int[] dropped;
    private final int droppedCount;

    WholeResponse(ByteBuf bytes, int status, boolean keepAlive, int statusStart, int headLength, int[] dropped,
                  int droppedCount) {
        super(bytes);
        this.status = status;
        this.keepAlive = keepAlive;
        this.statusStart = statusStart;
        this.headLength = headLength;
        this.dropped = dropped;
        this.droppedCount = droppedCount;
    }

    public int status() {
        return status;
    }

    /** Whether the upstream keeps the connection open after it (HTTP/1.1 without close, or 1.0 with keep-alive). */
    public boolean keepAlive() {
        return keepAlive;
    }

    public int bodyLength() {
        return content().readableBytes() - headLength;
    }

    /**
     * The response as an HTTP/1.1 client gets it: {@code HTTP/1.1}, the upstream's status line and header lines but
     * the hop-by-hop ones, {@code Connection: close} when the downstream connection ends after it, and the body.
     * Ownership of this holder's bytes passes to the buffer returned.
     */
    public ByteBuf toDownstream(ByteBufAllocator alloc, boolean close) {
        return close || content().isReadOnly() ? copied(alloc, close) : inPlace();
    }

    /**
     * The usual case: the response is rewritten where it lies. The kept head lines before each dropped one move
     * towards the body, over the gap; the body and what follows the last dropped line stay put. Only a few
     * hundred bytes of head move, and nothing is allocated for the body.
     */
    private ByteBuf inPlace() {
        ByteBuf in = content();
        int base = in.readerIndex();
        in.setByte(base + 7, '1');
        int shift = 0;
        for (int i = droppedCount - 2; i >= 0; i -= 2) {
            shift += dropped[i + 1] - dropped[i];
            int keptStart = i == 0 ? 0 : dropped[i - 1];
            int keptLength = dropped[i] - keptStart;
            if (keptLength > 0) {
                byte[] kept = new byte[keptLength];
                in.getBytes(base + keptStart, kept);
                in.setBytes(base + keptStart + shift, kept);
            }
        }
        return in.readerIndex(base + shift);
    }

    private ByteBuf copied(ByteBufAllocator alloc, boolean close) {
        ByteBuf in = content();
        int base = in.readerIndex();
        int headEnd = base + headLength - 2;
        int length = HTTP_11.length + headLength - statusStart + (close ? CONNECTION_CLOSE.length : 0) + bodyLength();
        ByteBuf out = alloc.ioBuffer(length);
        out.writeBytes(HTTP_11);
        int from = base + statusStart;
        for (int i = 0; i < droppedCount; i += 2) {
            out.writeBytes(in, from, base + dropped[i] - from);
            from = base + dropped[i + 1];
        }
        out.writeBytes(in, from, headEnd - from);
        if (close) {
            out.writeBytes(CONNECTION_CLOSE);
        }
        out.writeByte('\r').writeByte('\n');
        out.writeBytes(in, base + headLength, bodyLength());
        release();
        return out;
    }
}
