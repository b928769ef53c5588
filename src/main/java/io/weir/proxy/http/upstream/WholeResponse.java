package io.weir.proxy.http.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;

import java.nio.charset.StandardCharsets;

/**
 * An upstream response that arrived whole, head and Content-Length body, in the bytes the upstream codec holds,
 * and whose head needed nothing from Weir but its hop-by-hop lines dropped. {@link WholeResponseParser} has
 * already rewritten it for the downstream hop where it lies, so {@link #content()} is the response as an HTTP/1.1
 * client gets it: it goes downstream as bytes, not decoded into header objects and encoded again.
 */
public final class WholeResponse extends DefaultByteBufHolder {

    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);

    private final int status;
    private final boolean keepAlive;
    /** Status line, header lines and the blank line that ends them. */
    private final int headLength;

    WholeResponse(ByteBuf bytes, int status, boolean keepAlive, int headLength) {
        super(bytes);
        this.status = status;
        this.keepAlive = keepAlive;
        this.headLength = headLength;
    }

    public int status() {
        return status;
    }

    /** Whether the upstream keeps the connection open after it (HTTP/1.1 without close, or 1.0 with keep-alive). */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** The status line, header lines and the blank line that ends them, from the start of {@link #content()}. */
    public int headLength() {
        return headLength;
    }

    public int bodyLength() {
        return content().readableBytes() - headLength;
    }

    /**
     * The bytes to write downstream; ownership of this holder's bytes passes to them. When the downstream
     * connection ends after this response, a copy with {@code Connection: close} before the blank line.
     */
    public ByteBuf toDownstream(ByteBufAllocator alloc, boolean close) {
        if (!close) {
            return content();
        }
        ByteBuf in = content();
        int lastLineEnd = in.readerIndex() + headLength - 2;
        ByteBuf out = alloc.ioBuffer(in.readableBytes() + CONNECTION_CLOSE.length);
        out.writeBytes(in, in.readerIndex(), headLength - 2)
                .writeBytes(CONNECTION_CLOSE)
                .writeBytes(in, lastLineEnd, in.writerIndex() - lastLineEnd);
        release();
        return out;
    }
}
