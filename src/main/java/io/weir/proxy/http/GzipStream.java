package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One response body compressed as a gzip member (RFC 1952), piece by piece as the upstream sends it. Each
 * piece is sync-flushed, so what the upstream sent is decodable downstream at once: the proxy adds no
 * buffering, and a slow trickle still reaches the client as it comes.
 */
final class GzipStream {

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private boolean headerWritten;
    private boolean ended;

    GzipStream(int level) {
        deflater = new Deflater(level, true);
    }

    /** Compresses {@code in} (left unread and not released) into a new buffer, the gzip header first. */
    ByteBuf compress(ByteBufAllocator alloc, ByteBuf in) {
        int length = in.readableBytes();
        ByteBuf out = alloc.buffer(length / 2 + 64);
        if (!headerWritten) {
            headerWritten = true;
            out.writeBytes(HEADER);
        }
        if (length > 0) {
            ByteBuffer input = in.nioBufferCount() == 1 ? in.nioBuffer() : copy(in);
            crc.update(input.duplicate());
            deflater.setInput(input);
            out = deflate(out, Deflater.SYNC_FLUSH);
        }
        return out;
    }

    /** The last piece: whatever {@code in} holds, the end of the deflate stream and the gzip trailer. */
    ByteBuf finish(ByteBufAllocator alloc, ByteBuf in) {
        ByteBuf out = compress(alloc, in);
        deflater.finish();
        out = deflate(out, Deflater.NO_FLUSH);
        long size = deflater.getBytesRead();
        out.writeIntLE((int) crc.getValue());
        out.writeIntLE((int) size);
        end();
        return out;
    }

    /** Frees zlib's native memory; the exchange calls this however it ends. */
    void end() {
        if (!ended) {
            ended = true;
            deflater.end();
        }
    }

    private ByteBuf deflate(ByteBuf out, int flush) {
        while (true) {
            out.ensureWritable(Math.max(64, out.writableBytes()));
            ByteBuffer target = out.internalNioBuffer(out.writerIndex(), out.writableBytes());
            int before = target.position();
            int written = deflater.deflate(target, flush);
            out.writerIndex(out.writerIndex() + (target.position() - before));
            // A full output means zlib may have more to say; room left over means it said everything.
            if (written == 0 || target.hasRemaining()) {
                if (flush == Deflater.NO_FLUSH && !deflater.finished()) {
                    continue;
                }
                return out;
            }
        }
    }

    private static ByteBuffer copy(ByteBuf in) {
        ByteBuffer copy = ByteBuffer.allocate(in.readableBytes());
        in.getBytes(in.readerIndex(), copy);
        copy.flip();
        return copy;
    }
}
