package io.weir.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.weir.config.RouteConfig.Header;
import io.weir.config.RouteConfig.HeaderMutation;

import java.util.Iterator;
import java.util.List;


/** Header rewriting at the proxy boundary: hop-by-hop removal, forwarding headers, route mutations. */
final class ProxyHeaders {

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");

    private ProxyHeaders() {
    }

    /**
     * Removes hop-by-hop headers (RFC 9110 §7.6.1): Connection and every name it lists, Keep-Alive,
     * Proxy-Connection, TE unless it is just {@code trailers}, Upgrade, HTTP2-Settings (RFC 7540 §3.2.1: it
     * belongs to the connection it came on). Content-Length, Transfer-Encoding
     * and Host stay even when Connection names them: they frame and address the message Weir forwards, and
     * a body sent on without its Content-Length would be read upstream as the next request.
     */
    static void stripHopByHop(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            stripConnectionListed(headers);
        }
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(HttpHeaderNames.PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.UPGRADE);
        headers.remove(HTTP2_SETTINGS);
        String te = headers.get(HttpHeaderNames.TE);
        if (te != null && !te.trim().equalsIgnoreCase("trailers")) {
            headers.remove(HttpHeaderNames.TE);
        }
    }

    private static void stripConnectionListed(HttpHeaders headers) {
        if (isOnlyCloseOrKeepAlive(headers)) {
            // The usual case, and neither option names a header still present (Keep-Alive goes anyway).
            headers.remove(HttpHeaderNames.CONNECTION);
            return;
        }
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !isEndToEndFraming(name)) {
                    headers.remove(name);
                }
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
    }

    private static boolean isOnlyCloseOrKeepAlive(HttpHeaders headers) {
        Iterator<String> values = headers.valueStringIterator(HttpHeaderNames.CONNECTION);
        if (!values.hasNext()) {
            return true;
        }
        String value = values.next();
        return !values.hasNext() && (HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(value)
                || HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(value));
    }

    private static boolean isEndToEndFraming(String name) {
        return name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("host");
    }

    /**
     * Sets X-Forwarded-For/-Proto/-Host and Forwarded. From a trusted proxy the incoming values are kept
     * and extended; from anyone else they are replaced, so a client cannot forge its address.
     */
    static void setForwarded(HttpHeaders headers, DownstreamPeer client, String proto, String host) {
        String clientIp = client.ip();
        boolean trusted = client.trusted();
        String xff = trusted ? joined(headers, X_FORWARDED_FOR) : null;
        headers.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        if (!trusted || !headers.contains(X_FORWARDED_PROTO)) {
            headers.set(X_FORWARDED_PROTO, proto);
        }
        if (host != null && (!trusted || !headers.contains(X_FORWARDED_HOST))) {
            headers.set(X_FORWARDED_HOST, host);
        }
        // One concatenation each: the exact length is known, so one array is allocated, not a growing builder's.
        String element = host == null ? "for=" + client.forwardedFor() + ";proto=" + proto
                : "for=" + client.forwardedFor() + ";host=\"" + host + "\";proto=" + proto;
        String forwarded = trusted ? joined(headers, FORWARDED) : null;
        headers.set(FORWARDED, forwarded == null || forwarded.isBlank() ? element : forwarded + ", " + element);
    }

    /** Every field line of {@code name} joined with commas, as RFC 9110 5.3 reads them; null when none. */
    private static String joined(HttpHeaders headers, CharSequence name) {
        List<String> values = headers.getAll(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    static void apply(HeaderMutation mutation, HttpHeaders headers) {
        if (mutation.isEmpty()) {
            return;
        }
        for (String name : mutation.remove()) {
            headers.remove(name);
        }
        for (Header h : mutation.set()) {
            headers.set(h.name(), h.value());
        }
        for (Header h : mutation.add()) {
            headers.add(h.name(), h.value());
        }
    }
}
