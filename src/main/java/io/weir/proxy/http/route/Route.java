package io.weir.proxy.http.route;

import io.weir.config.RouteConfig;

import java.util.List;

/** A compiled route: its matchers, its action and the config it came from (rewrites, limits). */
public final class Route {

    private final RouteConfig config;
    private final RequestMatcher[] matchers;
    private final RouteAction action;
    private final RateLimiter rateLimiter;
    private final boolean leavesResponsesAlone;

    /** @param rateLimiter the route's limiter, for its {@code rate_limit}; null when it has none */
    Route(RouteConfig config, List<RequestMatcher> matchers, RouteAction action, RateLimiter rateLimiter) {
        this.config = config;
        this.rateLimiter = rateLimiter;
        this.matchers = matchers.toArray(RequestMatcher[]::new);
        this.action = action;
        this.leavesResponsesAlone = config.responseHeaders().isEmpty() && config.compression().isEmpty();
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

    /** No response header rules and no compression: responses pass with only their hop-by-hop headers dropped. */
    public boolean leavesResponsesAlone() {
        return leavesResponsesAlone;
    }

    /** The route's {@code rate_limit}; null when it has none. */
    public RateLimiter rateLimiter() {
        return rateLimiter;
    }
}
