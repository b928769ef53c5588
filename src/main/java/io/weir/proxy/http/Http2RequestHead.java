package io.weir.proxy.http;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.util.Map;

/**
 * An HTTP/2 request's header fields as the HTTP/1.1 request head Weir routes and forwards (RFC 9113 §8.3.1):
 * {@code :authority} becomes Host (a Host field that says otherwise makes the request malformed), the other
 * pseudo-header fields go, cookie fields are joined into one, and a body without a Content-Length is chunked on
 * its way upstream, HTTP/2 having delimited it by the stream's end. The same rules as Netty's
 * {@code HttpConversionUtil}, in one pass, without the extension headers it adds for Weir to remove again.
 *
 * <p>The fields were validated by the HPACK decoder ({@link Http2DownstreamHandler}): lower-case names, no
 * connection-specific fields, the required pseudo-header fields present; they are not checked again.
 */
final class Http2RequestHead {

    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    /** Netty's names for HTTP/2 state carried in HTTP/1.1 messages: never taken from a client. */
    private static final AsciiString EXTENSION_PREFIX = AsciiString.cached("x-http2-");

    private Http2RequestHead() {
    }

    static HttpRequest of(int streamId, Http2Headers fields, boolean endStream) throws Http2Exception {
        CharSequence method = fields.method();
        // CONNECT names its target in :authority (RFC 9113 §8.5); every other request in :path.
        CharSequence target = HttpMethod.CONNECT.asciiName().contentEqualsIgnoreCase(method)
                ? fields.authority() : fields.path();
        if (method == null || target == null) {
            throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, "no :method or :path");
        }
        HttpHeaders headers = HEADERS.newHeaders();
        CharSequence authority = null;
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> field : fields) {
            CharSequence name = field.getKey();
            CharSequence value = field.getValue();
            if (name.length() > 0 && name.charAt(0) == ':') {
                if (Http2Headers.PseudoHeaderName.AUTHORITY.value().contentEquals(name)) {
                    authority = value;
                    headers.add(HttpHeaderNames.HOST, value);
                }
            } else if (HttpHeaderNames.COOKIE.contentEquals(name)) {
                cookies = cookies == null ? new StringBuilder(value) : cookies.append("; ").append(value);
            } else if (HttpHeaderNames.HOST.contentEquals(name)) {
                if (authority == null) {
                    authority = value;
                    headers.add(HttpHeaderNames.HOST, value);
                } else if (!AsciiString.contentEqualsIgnoreCase(authority, value)) {
                    throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR,
                            "Conflicting ':authority' and 'host' headers found");
                }
            } else if (!dropped(name)) {
                headers.add(name, value);
            }
        }
        if (cookies != null) {
            headers.add(HttpHeaderNames.COOKIE, cookies.toString());
        }
        if (!endStream && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method.toString()), target.toString(),
                headers);
    }

    /** Trailer announces trailers HTTP/1.1 framing would have to carry; Netty's extension names are its own. */
    private static boolean dropped(CharSequence name) {
        return HttpHeaderNames.TRAILER.contentEquals(name) || HttpHeaderNames.TRANSFER_ENCODING.contentEquals(name)
                || AsciiString.regionMatches(name, false, 0, EXTENSION_PREFIX, 0, EXTENSION_PREFIX.length());
    }
}
