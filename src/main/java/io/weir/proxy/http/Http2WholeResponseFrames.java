package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The frames of a whole upstream response on one HTTP/2 stream, HEADERS and the header of the DATA frame behind
 * it, written straight from the head's checked lines ({@link Http2ResponseHead.Fields}) into one buffer.
 *
 * <p>The header block uses only HPACK's static table and literals "without indexing" (RFC 7541 §6.2.2): it adds
 * nothing to the connection's dynamic table and refers to nothing in it. Netty's encoder, which does use that
 * table, writes the other header blocks of the connection (streamed responses, interim responses, trailers). The
 * client decodes both kinds in the order they arrive, and because these blocks leave the table as they found it,
 * the two encoders stay in step with the client's decoder however their blocks interleave. The price is a few
 * bytes per field that the dynamic table would have indexed.
 */
final class Http2WholeResponseFrames {

    static final int FRAME_HEADER_LENGTH = 9;

    private static final byte DATA = 0x0;
    private static final byte HEADERS = 0x1;
    private static final byte END_STREAM = 0x1;
    private static final byte END_HEADERS = 0x4;
    /** RFC 7541 §4.1: a field's size is its name's and value's lengths plus 32. */
    private static final int FIELD_OVERHEAD = 32;
    private static final int STATUS_FIELD_SIZE = ":status".length() + 3 + FIELD_OVERHEAD;

    private Http2WholeResponseFrames() {
    }

    /**
     * The HEADERS frame of a response, ending the stream when it has no body, in a buffer with room for
     * {@code room} more bytes.
     *
     * @param head the status line, header lines and blank line, from {@code head}'s reader index
     * @return null when the block needs more than one frame of {@code maxFrameSize} (CONTINUATION is left to
     *     Netty's encoder) or its fields add up to more than {@code maxHeaderListSize} (so is the error)
     */
    static ByteBuf headers(ByteBufAllocator alloc, int streamId, ByteBuf head, int headLength, int status,
                           boolean endStream, int maxFrameSize, long maxHeaderListSize, int room) {
        ByteBuf out = alloc.ioBuffer(FRAME_HEADER_LENGTH + headLength + room);
        out.writerIndex(FRAME_HEADER_LENGTH);
        long listSize = STATUS_FIELD_SIZE;
        status(out, status);
        Http2ResponseHead.Fields fields = new Http2ResponseHead.Fields(head, headLength);
        byte[] b = fields.bytes;
        while (fields.next()) {
            int nameLength = fields.nameEnd - fields.nameStart;
            int valueLength = fields.valueEnd - fields.valueStart;
            listSize += nameLength + valueLength + FIELD_OVERHEAD;
            int index = Http2ResponseHead.staticIndex(b, fields.nameStart, nameLength);
            if (index > 0) {
                integer(out, 0x00, 4, index);
            } else {
                out.writeByte(0x00);
                integer(out, 0x00, 7, nameLength);
                for (int i = fields.nameStart; i < fields.nameEnd; i++) {
                    out.writeByte(Http2ResponseHead.toLowerCase(b[i]));
                }
            }
            integer(out, 0x00, 7, valueLength);
            out.writeBytes(b, fields.valueStart, valueLength);
        }
        int blockLength = out.writerIndex() - FRAME_HEADER_LENGTH;
        if (blockLength > maxFrameSize || listSize > maxHeaderListSize) {
            out.release();
            return null;
        }
        frameHeader(out, 0, blockLength, HEADERS, endStream ? END_HEADERS | END_STREAM : END_HEADERS, streamId);
        return out;
    }

    /** Appends the header of the DATA frame that carries a body of {@code length} bytes and ends the stream. */
    static void dataFrameHeader(ByteBuf out, int streamId, int length) {
        int at = out.writerIndex();
        out.writerIndex(at + FRAME_HEADER_LENGTH);
        frameHeader(out, at, length, DATA, END_STREAM, streamId);
    }

    private static void frameHeader(ByteBuf out, int at, int length, byte type, int flags, int streamId) {
        out.setMedium(at, length);
        out.setByte(at + 3, type);
        out.setByte(at + 4, flags);
        out.setInt(at + 5, streamId);
    }

    /** An indexed field for the statuses the static table holds; otherwise the value, under the name's index. */
    private static void status(ByteBuf out, int status) {
        int index = switch (status) {
            case 200 -> 8;
            case 204 -> 9;
            case 206 -> 10;
            case 304 -> 11;
            case 400 -> 12;
            case 404 -> 13;
            case 500 -> 14;
            default -> 0;
        };
        if (index > 0) {
            out.writeByte(0x80 | index);
            return;
        }
        out.writeByte(0x08);
        out.writeByte(3);
        out.writeByte('0' + status / 100);
        out.writeByte('0' + status / 10 % 10);
        out.writeByte('0' + status % 10);
    }

    /** RFC 7541 §5.1: {@code value} with an {@code n}-bit prefix, in the byte that starts with {@code pattern}. */
    private static void integer(ByteBuf out, int pattern, int n, int value) {
        int max = (1 << n) - 1;
        if (value < max) {
            out.writeByte(pattern | value);
            return;
        }
        out.writeByte(pattern | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.writeByte(rest & 0x7f | 0x80);
            rest >>>= 7;
        }
        out.writeByte(rest);
    }
}
