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
        byte[] b = new byte[headLength];
        head.getBytes(head.readerIndex(), b);
        Http2Headers out = new DefaultHttp2Headers(false, 8);
        out.status(HttpResponseStatus.valueOf(status).codeAsText());
        int end = headLength - 2;
        int line = lineEnd(b, 0) + 1;
        while (line < end) {
            int lf = lineEnd(b, line);
            int colon = line;
            while (b[colon] != ':') {
                colon++;
            }
            int valueStart = colon + 1;
            int valueEnd = lf - 1;
            while (valueStart < valueEnd && HttpSyntax.isWhitespace(b[valueStart])) {
                valueStart++;
            }
            while (valueEnd > valueStart && HttpSyntax.isWhitespace(b[valueEnd - 1])) {
                valueEnd--;
            }
            out.add(name(b, line, colon), new AsciiString(b, valueStart, valueEnd - valueStart, false));
            line = lf + 1;
        }
        return out;
    }

    private static AsciiString name(byte[] b, int start, int end) {
        int length = end - start;
        for (AsciiString common : COMMON) {
            if (common.length() == length && equalsIgnoreCase(common, b, start)) {
                return common;
            }
        }
        for (int i = start; i < end; i++) {
            if (b[i] >= 'A' && b[i] <= 'Z') {
                b[i] += 'a' - 'A';
            }
        }
        return new AsciiString(b, start, length, false);
    }

    /** {@code lower} is lower case already. */
    private static boolean equalsIgnoreCase(AsciiString lower, byte[] b, int start) {
        for (int i = 0; i < lower.length(); i++) {
            byte c = b[start + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int lineEnd(byte[] b, int from) {
        int i = from;
        while (b[i] != '\n') {
            i++;
        }
        return i;
    }
}
