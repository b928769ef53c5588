package io.weir.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.weir.config.CompressionConfig;

import java.util.Locale;

/**
 * Decides whether a response is gzipped on its way downstream (a route's {@code compression}), and rewrites
 * its head when it is. Only what is safe to change is compressed: not an already encoded body, not a range,
 * not a response whose cache-control forbids transformation, not a HEAD, 204 or 304.
 */
final class ResponseCompression {

    private ResponseCompression() {
    }

    /**
     * @param acceptEncoding the request's Accept-Encoding, or null
     * @return the stream that compresses this response's body, its head already rewritten; null to send it as is
     */
    static GzipStream begin(CompressionConfig config, String acceptEncoding, boolean head, HttpResponse response) {
        int code = response.status().code();
        HttpHeaders headers = response.headers();
        if (config == null || head || code < 200 || code >= 300 || code == 204 || code == 206
                || !acceptsGzip(acceptEncoding)
                || headers.contains(HttpHeaderNames.CONTENT_ENCODING)
                || headers.contains(HttpHeaderNames.CONTENT_RANGE)
                || headers.containsValue(HttpHeaderNames.CACHE_CONTROL, "no-transform", true)
                || !typeListed(config, headers.get(HttpHeaderNames.CONTENT_TYPE))) {
            return null;
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null && sizeBelow(length, config.minSize())) {
            return null;
        }
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        addVary(headers);
        // The compressed bytes are not the ones a strong validator names (RFC 9110 §8.8.1).
        String etag = headers.get(HttpHeaderNames.ETAG);
        if (etag != null && etag.startsWith("\"")) {
            headers.set(HttpHeaderNames.ETAG, "W/" + etag);
        }
        return new GzipStream(config.level());
    }

    private static boolean sizeBelow(String contentLength, long minSize) {
        try {
            return Long.parseLong(contentLength.strip()) < minSize;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static void addVary(HttpHeaders headers) {
        for (String vary : headers.getAll(HttpHeaderNames.VARY)) {
            for (String name : vary.split(",")) {
                String n = name.strip();
                if (n.equals("*") || n.equalsIgnoreCase("accept-encoding")) {
                    return;
                }
            }
        }
        headers.add(HttpHeaderNames.VARY, "Accept-Encoding");
    }

    /** RFC 9110 §12.5.3: gzip (or x-gzip) with q > 0, or {@code *} with q > 0 and gzip not named. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        double star = 0;
        for (String item : acceptEncoding.split(",")) {
            int semi = item.indexOf(';');
            String coding = (semi < 0 ? item : item.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
            double q = semi < 0 ? 1 : quality(item.substring(semi + 1));
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                return q > 0;
            }
            if (coding.equals("*")) {
                star = q;
            }
        }
        return star > 0;
    }

    private static double quality(String params) {
        for (String param : params.split(";")) {
            String p = param.strip();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    return Double.parseDouble(p.substring(2).strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    private static boolean typeListed(CompressionConfig config, String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        int slash = type.indexOf('/');
        for (String listed : config.contentTypes()) {
            if (listed.equals(type)
                    || (listed.endsWith("/*") && slash > 0 && type.regionMatches(0, listed, 0, slash + 1))) {
                return true;
            }
        }
        return false;
    }
}
