package io.weir.proxy.http.route;

import io.weir.config.RouteConfig;

import java.util.List;

/** A compiled route: its matchers, its action and the config it came from (rewrites, limits). */
public final class Route {

    private final RouteConfig config;
    private final RequestMatcher[] matchers;
    private final RouteAction action;

    Route(RouteConfig config, List<RequestMatcher> matchers, RouteAction action) {
        this.config = config;
        this.matchers = matchers.toArray(RequestMatcher[]::new);
        this.action = action;
    }

    boolean matches(RequestView request) {
        for (RequestMatcher m : matchers) {
            if (!m.matches(request)) {
                return false;
            }
        }
        return true;
    }

    public String name() {
        return config.name();
    }

    public RouteConfig config() {
        return config;
    }

    public RouteAction action() {
        return action;
    }
}
