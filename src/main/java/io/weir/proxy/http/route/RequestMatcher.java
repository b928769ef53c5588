package io.weir.proxy.http.route;

/** One condition of a route's match, compiled from the config. */
@FunctionalInterface
interface RequestMatcher {

    boolean matches(RequestView request);
}
