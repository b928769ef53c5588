package io.weir.proxy.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a decoded request head may be forwarded. What the decoder already refused is mapped
 * to its status; what it let through but an upstream could read differently (request smuggling) is
 * refused here. Every refusal closes the downstream connection.
 */
final class RequestValidator {

    private RequestValidator() {
    }

    /** Null when the request may be forwarded, else why not. */
    static HttpRejection check(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            return decodeFailure(result.cause());
        }
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return new HttpRejection(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "unsupported version " + version);
        }
        HttpHeaders headers = request.headers();
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return HttpRejection.badRequest("duplicate Host header");
        }
        if (hosts.isEmpty() && version.minorVersion() == 1) {
            return HttpRejection.badRequest("missing Host header on HTTP/1.1");
        }
        if (!hosts.isEmpty() && !isValidHost(hosts.get(0))) {
            return HttpRejection.badRequest("invalid Host header");
        }
        HttpRejection te = checkTransferEncoding(headers);
        if (te != null) {
            return te;
        }
        if (request.method() == HttpMethod.CONNECT) {
            return new HttpRejection(HttpResponseStatus.NOT_IMPLEMENTED, "CONNECT is not supported");
        }
        String uri = request.uri();
        if (!(uri.startsWith("/") || (uri.equals("*") && request.method() == HttpMethod.OPTIONS)
                || uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8))) {
            return HttpRejection.badRequest("invalid request target");
        }
        if (!uri.startsWith("/") && !uri.equals("*") && !isValidHost(authorityOf(uri))) {
            // It replaces Host upstream and goes into Forwarded: it must be as clean as a Host header.
            return HttpRejection.badRequest("invalid authority in absolute-form request target");
        }
        return null;
    }

    /** The authority of an absolute-form target as routing reads it: from after "://" to the first '/' or '?'. */
    private static String authorityOf(String absoluteUri) {
        int start = absoluteUri.indexOf("://") + 3;
        int end = start;
        while (end < absoluteUri.length() && "/?".indexOf(absoluteUri.charAt(end)) < 0) {
            end++;
        }
        return absoluteUri.substring(start, end);
    }

    private static HttpRejection decodeFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new HttpRejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new HttpRejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header block too large");
        }
        if (cause instanceof PrematureChannelClosureException) {
            return HttpRejection.headCutShort();
        }
        return HttpRejection.badRequest("malformed request: " + cause.getMessage());
    }

    /**
     * Only a single, final {@code chunked} is forwarded (RFC 9112 §6.1, §6.3): when the last coding is not
     * chunked, or chunked is applied twice, the body length cannot be known (400); chunked after another
     * coding is a coding Weir does not implement (501). Codings are compared as whole tokens.
     */
    private static HttpRejection checkTransferEncoding(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (values.isEmpty()) {
            return null;
        }
        List<String> codings = new ArrayList<>();
        for (String value : values) {
            for (String coding : value.split(",", -1)) {
                String c = coding.trim().toLowerCase(Locale.ROOT);
                if (!c.isEmpty()) {
                    codings.add(c);
                }
            }
        }
        if (codings.isEmpty() || !codings.get(codings.size() - 1).equals("chunked")) {
            return HttpRejection.badRequest("Transfer-Encoding not ending in chunked: " + codings);
        }
        if (codings.indexOf("chunked") != codings.size() - 1) {
            return HttpRejection.badRequest("chunked applied more than once: " + codings);
        }
        if (codings.size() > 1) {
            return new HttpRejection(HttpResponseStatus.NOT_IMPLEMENTED, "unsupported Transfer-Encoding " + codings);
        }
        // Forward the one reading Weir framed the body by, not a spelling (", chunked", "Chunked") that an
        // upstream may read otherwise.
        if (values.size() > 1 || !values.get(0).equals("chunked")) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return null;
    }

    /** uri-host [":" port] with no whitespace, slash, or other bytes an upstream might split on. */
    static boolean isValidHost(String host) {
        if (host.isEmpty()) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
