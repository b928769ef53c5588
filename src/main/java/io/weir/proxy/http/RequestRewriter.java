package io.weir.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.weir.config.RouteConfig;
import io.weir.proxy.http.route.RequestView;

/** Turns a downstream request head into the head sent upstream, in place, once per request. */
final class RequestRewriter {

    private RequestRewriter() {
    }

    static void rewrite(RequestView view, RouteConfig route, HttpListenerContext listener, DownstreamPeer client) {
        HttpRequest request = view.request();
        HttpHeaders headers = request.headers();
        // The host the client asked for: an absolute-form target's authority wins over Host (RFC 9112 §3.2.2).
        String originalHost = view.authority().isEmpty() ? null : view.authority();
        boolean absoluteForm = !request.uri().startsWith("/") && !request.uri().equals("*");
        String authority = absoluteForm ? authorityOf(request.uri(), originalHost) : null;
        boolean webSocket = WebSockets.isUpgrade(request);
        ProxyHeaders.stripHopByHop(headers);
        if (webSocket) {
            WebSockets.keepUpgradeHeaders(headers);
        }
        ProxyHeaders.setForwarded(headers, client, listener.scheme(), originalHost);
        String certHeader = listener.clientCertHeader();
        if (certHeader != null) {
            // Only Weir may say which certificate the client showed: a client's own value is dropped.
            headers.remove(certHeader);
            if (client.clientCert() != null) {
                headers.set(certHeader, client.clientCert());
            }
        }
        String path = view.path();
        if (route.prefixRewrite().isPresent() && route.match().pathPrefix().isPresent()) {
            path = route.prefixRewrite().get() + path.substring(route.match().pathPrefix().get().length());
        }
        if (absoluteForm || route.prefixRewrite().isPresent()) {
            request.setUri(view.query().isEmpty() ? path : path + "?" + view.query());
        }
        if (authority != null) {
            headers.set(HttpHeaderNames.HOST, authority);
        }
        route.hostRewrite().ifPresent(h -> headers.set(HttpHeaderNames.HOST, h));
        ProxyHeaders.apply(route.requestHeaders(), headers);
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    private static String authorityOf(String absoluteUri, String fallback) {
        int a = absoluteUri.indexOf("://");
        if (a < 0) {
            return fallback;
        }
        int end = absoluteUri.length();
        for (int i = a + 3; i < absoluteUri.length(); i++) {
            char c = absoluteUri.charAt(i);
            if (c == '/' || c == '?') {
                end = i;
                break;
            }
        }
        return absoluteUri.substring(a + 3, end);
    }
}
