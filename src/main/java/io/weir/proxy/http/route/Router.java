package io.weir.proxy.http.route;

import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.config.RateLimitConfig;
import io.weir.config.RouteConfig;

import io.weir.state.StateStore;

import java.util.ArrayList;
import java.util.List;

/** A listener's routes, compiled once per config; the first route whose match holds takes the request. */
public final class Router {

    private final Route[] routes;

    private Router(List<Route> routes) {
        this.routes = routes.toArray(Route[]::new);
    }

    public static Router compile(List<RouteConfig> configs, ClusterManager clusters) {
        return compile(configs, clusters, null);
    }

    /** @param store where {@code scope: global} rate limits keep their buckets; null = in this node */
    public static Router compile(List<RouteConfig> configs, ClusterManager clusters, StateStore store) {
        return compile(configs, clusters, store, null);
    }

    /**
     * As {@link #compile(List, ClusterManager, StateStore)}, on a reload: a route whose name and
     * {@code rate_limit} are the same as in {@code previous} keeps its limiter, so its buckets (what each client
     * has left) and its count of refusals go on instead of starting again with every reload.
     */
    public static Router compile(List<RouteConfig> configs, ClusterManager clusters, StateStore store,
                                 Router previous) {
        List<Route> routes = new ArrayList<>();
        for (RouteConfig config : configs) {
            RateLimiter limiter = config.rateLimit().map(r -> {
                RateLimiter kept = previous == null ? null : previous.limiter(config.name(), r, store);
                return kept != null ? kept : RateLimiter.of(r, config.name(), store);
            }).orElse(null);
            routes.add(new Route(config, Matchers.compile(config.match()), actionOf(config, clusters), limiter));
        }
        return new Router(routes);
    }

    /** The limiter of the route named {@code name}, if it limits as {@code config} says with {@code store}. */
    private RateLimiter limiter(String name, RateLimitConfig config, StateStore store) {
        for (Route route : routes) {
            RateLimiter limiter = route.rateLimiter();
            if (route.name().equals(name) && limiter != null && limiter.sameAs(config, store)) {
                return limiter;
            }
        }
        return null;
    }

    private static RouteAction actionOf(RouteConfig config, ClusterManager clusters) {
        if (config.cluster().isPresent()) {
            return new RouteAction.Forward(clusters.require(config.cluster().get()));
        }
        if (!config.split().isEmpty()) {
            List<RouteConfig.WeightedCluster> parts = config.split().stream().filter(w -> w.weight() > 0).toList();
            Cluster[] targets = new Cluster[parts.size()];
            int[] cumulative = new int[parts.size()];
            int sum = 0;
            for (int i = 0; i < parts.size(); i++) {
                targets[i] = clusters.require(parts.get(i).cluster());
                sum += parts.get(i).weight();
                cumulative[i] = sum;
            }
            return new RouteAction.Split(targets, cumulative);
        }
        if (config.redirect().isPresent()) {
            return new RouteAction.Redirect(config.redirect().get());
        }
        if (config.respond().isPresent()) {
            return new RouteAction.Respond(config.respond().get());
        }
        throw new IllegalArgumentException("route " + config.name() + " has no action");
    }

    public List<Route> routes() {
        return List.of(routes);
    }

    /** The route for this request, or null (404). */
    public Route route(RequestView request) {
        for (Route route : routes) {
            if (route.matches(request)) {
                return route;
            }
        }
        return null;
    }
}
