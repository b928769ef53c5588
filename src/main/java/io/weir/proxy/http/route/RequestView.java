package io.weir.proxy.http.route;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parts of a request that routes match on. Host and path are split out once; query parameters
 * and cookies are parsed only if some route asks for them.
 */
public final class RequestView {

    private final HttpRequest request;
    private final String authority;
    private final String host;
    private final String path;
    private final String query;
    private Map<String, List<String>> queryParams;
    private Set<Cookie> cookies;

    public RequestView(HttpRequest request) {
        this.request = request;
        String uri = request.uri();
        String authority = null;
        int pathStart = 0;
        if (!uri.startsWith("/") && uri.contains("://")) {
            // absolute-form: the authority in the target wins over Host (RFC 9112 §3.2.2)
            int a = uri.indexOf("://") + 3;
            int slash = uri.indexOf('/', a);
            int q = uri.indexOf('?', a);
            int end = slash >= 0 ? slash : (q >= 0 ? q : uri.length());
            authority = uri.substring(a, end);
            pathStart = end;
        }
        int q = uri.indexOf('?', pathStart);
        String p = q >= 0 ? uri.substring(pathStart, q) : uri.substring(pathStart);
        this.path = p.isEmpty() ? "/" : p;
        this.query = q >= 0 ? uri.substring(q + 1) : "";
        this.authority = authority != null ? authority : request.headers().get(HttpHeaderNames.HOST, "");
        this.host = stripPort(this.authority).toLowerCase(Locale.ROOT);
    }

    static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : host;
        }
        int colon = host.indexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }

    public HttpRequest request() {
        return request;
    }

    public String method() {
        return request.method().name();
    }

    /**
     * The host and port the client asked for, as sent: the authority of an absolute-form target, else the
     * Host header; empty when neither is there.
     */
    public String authority() {
        return authority;
    }

    /** Lower-case host without port. */
    public String host() {
        return host;
    }

    /** The path without the query, as sent (not decoded). */
    public String path() {
        return path;
    }

    /** The raw query string without '?', empty when none. */
    public String query() {
        return query;
    }

    public HttpHeaders headers() {
        return request.headers();
    }

    public List<String> queryParam(String name) {
        if (queryParams == null) {
            queryParams = QueryParams.parse(query);
        }
        return queryParams.getOrDefault(name, List.of());
    }

    public String cookie(String name) {
        if (cookies == null) {
            List<String> headers = request.headers().getAll(HttpHeaderNames.COOKIE);
            cookies = headers.isEmpty() ? Set.of()
                    : ServerCookieDecoder.LAX.decode(String.join("; ", headers));
        }
        for (Cookie c : cookies) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        return null;
    }
}
