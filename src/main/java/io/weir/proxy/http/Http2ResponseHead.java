package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
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

    /** Names most responses carry: the constant is used, whose hash (HPACK looks each name up) is kept. */
    private static final AsciiString[] COMMON = {
        HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.DATE, HttpHeaderNames.SERVER,
        HttpHeaderNames.LAST_MODIFIED, HttpHeaderNames.ETAG, HttpHeaderNames.ACCEPT_RANGES,
        HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.EXPIRES, HttpHeaderNames.VARY,
        HttpHeaderNames.CONTENT_ENCODING, HttpHeaderNames.LOCATION, HttpHeaderNames.SET_COOKIE,
    };

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
        int length = end - start;
        for (AsciiString common : COMMON) {
            if (common.length() == length && equalsIgnoreCase(common, b, start)) {
                return common;
            }
        }
        for (int i = start; i < end; i++) {
            b[i] = toLowerCase(b[i]);
        }
        return new AsciiString(b, start, length, false);
    }

    /** {@code lower} is lower case already. */
    static boolean equalsIgnoreCase(AsciiString lower, byte[] b, int start) {
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
