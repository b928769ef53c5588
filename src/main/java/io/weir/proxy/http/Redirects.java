package io.weir.proxy.http;

import io.weir.config.RouteConfig;
import io.weir.proxy.http.route.RequestView;

/** Builds the Location of a redirect route from the request and the parts the route replaces. */
final class Redirects {

    private Redirects() {
    }

    static String location(RequestView view, RouteConfig route, String requestScheme) {
        RouteConfig.Redirect r = route.redirect().orElseThrow();
        String scheme = r.scheme().orElse(requestScheme);
        String hostHeader = view.authority().isEmpty() ? view.host() : view.authority();
        String host = r.host().orElse(hostOnly(hostHeader));
        String port = r.port().map(p -> ":" + p)
                .orElse(r.host().isPresent() || r.scheme().isPresent() ? "" : portOf(hostHeader));
        String path = view.path();
        if (r.path().isPresent()) {
            path = r.path().get();
        } else if (r.prefixRewrite().isPresent() && route.match().pathPrefix().isPresent()) {
            path = r.prefixRewrite().get() + path.substring(route.match().pathPrefix().get().length());
        }
        String query = view.query().isEmpty() ? "" : "?" + view.query();
        return scheme + "://" + host + port + path + query;
    }

    private static String hostOnly(String hostHeader) {
        int end = hostHeader.startsWith("[") ? hostHeader.indexOf(']') + 1 : hostHeader.indexOf(':');
        return end > 0 ? hostHeader.substring(0, end) : hostHeader;
    }

    private static String portOf(String hostHeader) {
        String host = hostOnly(hostHeader);
        return hostHeader.substring(host.length());
    }
}
