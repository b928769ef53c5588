package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.weir.config.HttpSyntax;

/**
 * An HTTP/1.1 response head, as {@link io.weir.proxy.http.upstream.WholeResponseParser} left it (checked, its
 * hop-by-hop lines dropped), read straight into HTTP/2 header fields: names lower-cased as HTTP/2 requires,
 * values without their surrounding whitespace. One copy of the head's bytes backs every name and value; no
 * HTTP/1.1 header map is built on the way.
 */
final class Http2ResponseHead {

    /**
     * Names many responses carry, most frequent first, each with its index in HPACK's static table (RFC 7541
     * Appendix A). One instance per name, so its hash (Netty's HPACK encoder looks each name up) is kept.
     */
    private static final AsciiString[] KNOWN;
    private static final int[] STATIC_INDEX;

    static {
        Object[][] table = {
            {"content-type", 31}, {"content-length", 28}, {"date", 33}, {"server", 54}, {"last-modified", 44},
            {"etag", 34}, {"accept-ranges", 18}, {"cache-control", 24}, {"expires", 36}, {"vary", 59},
            {"content-encoding", 26}, {"location", 46}, {"set-cookie", 55}, {"age", 21}, {"via", 60},
            {"content-language", 27}, {"content-disposition", 25}, {"content-location", 29},
            {"content-range", 30}, {"link", 45}, {"retry-after", 53}, {"allow", 22},
            {"access-control-allow-origin", 20}, {"strict-transport-security", 56}, {"www-authenticate", 61},
        };
        KNOWN = new AsciiString[table.length];
        STATIC_INDEX = new int[table.length];
        for (int i = 0; i < table.length; i++) {
            KNOWN[i] = AsciiString.cached((String) table[i][0]);
            STATIC_INDEX[i] = (Integer) table[i][1];
        }
    }

    private Http2ResponseHead() {
    }

    /** @param head the status line, header lines and blank line, from {@code head}'s reader index */
    static Http2Headers of(ByteBuf head, int headLength, int status) {
        Fields fields = new Fields(head, headLength);
        byte[] b = fields.bytes;
        Http2Headers out = new DefaultHttp2Headers(false, 8);
        out.status(HttpResponseStatus.valueOf(status).codeAsText());
        while (fields.next()) {
            out.add(name(b, fields.nameStart, fields.nameEnd),
                    new AsciiString(b, fields.valueStart, fields.valueEnd - fields.valueStart, false));
        }
        return out;
    }

    /**
     * A copy of a head's bytes and a walk over its header lines: after each {@link #next()} that returns true, the
     * bounds of one field's name and of its value without the whitespace around it.
     */
    static final class Fields {

        final byte[] bytes;
        private final int end;
        private int line;
        int nameStart;
        int nameEnd;
        int valueStart;
        int valueEnd;

        /** @param head the status line, header lines and blank line, from {@code head}'s reader index */
        Fields(ByteBuf head, int headLength) {
            bytes = new byte[headLength];
            head.getBytes(head.readerIndex(), bytes);
            end = headLength - 2;
            line = lineEnd(bytes, 0) + 1;
        }

        boolean next() {
            if (line >= end) {
                return false;
            }
            byte[] b = bytes;
            int lf = lineEnd(b, line);
            int colon = line;
            while (b[colon] != ':') {
                colon++;
            }
            int start = colon + 1;
            int stop = lf - 1;
            while (start < stop && HttpSyntax.isWhitespace(b[start])) {
                start++;
            }
            while (stop > start && HttpSyntax.isWhitespace(b[stop - 1])) {
                stop--;
            }
            nameStart = line;
            nameEnd = colon;
            valueStart = start;
            valueEnd = stop;
            line = lf + 1;
            return true;
        }
    }

    private static AsciiString name(byte[] b, int start, int end) {
        int known = known(b, start, end - start);
        if (known >= 0) {
            return KNOWN[known];
        }
        for (int i = start; i < end; i++) {
            b[i] = toLowerCase(b[i]);
        }
        return new AsciiString(b, start, end - start, false);
    }

    /** HPACK's static table index of the name at {@code start}, in any case; 0 when it is not a known name. */
    static int staticIndex(byte[] b, int start, int length) {
        int known = known(b, start, length);
        return known >= 0 ? STATIC_INDEX[known] : 0;
    }

    /** Where the name at {@code start}, in any case, is in {@link #KNOWN}; -1 when it is not there. */
    private static int known(byte[] b, int start, int length) {
        for (int k = 0; k < KNOWN.length; k++) {
            if (KNOWN[k].length() == length && equalsIgnoreCase(KNOWN[k], b, start)) {
                return k;
            }
        }
        return -1;
    }

    /** {@code lower} is lower case already. */
    private static boolean equalsIgnoreCase(AsciiString lower, byte[] b, int start) {
        for (int i = 0; i < lower.length(); i++) {
            if (toLowerCase(b[start + i]) != lower.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    static byte toLowerCase(byte c) {
        return c >= 'A' && c <= 'Z' ? (byte) (c + ('a' - 'A')) : c;
    }

    private static int lineEnd(byte[] b, int from) {
        int i = from;
        while (b[i] != '\n') {
            i++;
        }
        return i;
    }
}
