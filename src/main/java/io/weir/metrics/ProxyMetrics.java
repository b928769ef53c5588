package io.weir.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointEvents;
import io.weir.cluster.EndpointState;
import io.weir.runtime.LoopClock;
import io.weir.tls.HandshakeObserver;
import java.util.Locale;
import io.weir.proxy.http.RequestObserver;
import io.weir.proxy.http.RequestOutcome;
import io.weir.proxy.http.route.RateLimiter;
import io.weir.proxy.http.route.Route;
import io.weir.proxy.http.route.Router;
import io.weir.proxy.http.sticky.AppCookieSession;
import io.weir.proxy.http.sticky.AppCookieTable;
import io.weir.proxy.http.sticky.ClusterAffinity;
import io.weir.proxy.http.sticky.StickySession;
import io.weir.proxy.http.sticky.StickySessions;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Prometheus metrics of the proxy. The hot path finds its meters through maps keyed by the strings the
 * outcome already carries (route, endpoint), so recording allocates nothing once a combination was seen;
 * meters are registered the first time a combination occurs.
 */
public final class ProxyMetrics implements RequestObserver {

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    private static final String[] CODE_CLASSES = {"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final String NONE = "-";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new io.prometheus.metrics.model.registry.PrometheusRegistry(), LoopClock.MICROMETER);
    /** listener → route → meters for that route. */
    private final ConcurrentMap<String, ConcurrentMap<String, RouteMeters>> byRoute = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentMap<String, Counter>> byProtocol = new ConcurrentHashMap<>();
    /** By listener and route ({@code listener + "\0" + route}). */
    private final ConcurrentMap<String, RefusalCount> rateLimited = new ConcurrentHashMap<>();

    public ProxyMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** Gauges of every endpoint's live figures and state. */
    public void watch(ClusterManager clusters) {
        clusters.all().forEach(this::watch);
    }

    /**
     * After a reload: the gauges of clusters replaced or removed ({@code stopped}) are taken down, those of new
     * and rebuilt ones ({@code started}) put up, so they read the objects that serve.
     */
    public void rewatch(java.util.Collection<Cluster> stopped, java.util.Collection<Cluster> started) {
        for (Cluster cluster : stopped) {
            for (String name : CLUSTER_GAUGES) {
                registry.find(name).tag("cluster", cluster.name()).meters().forEach(registry::remove);
            }
        }
        started.forEach(this::watch);
    }

    private static final java.util.List<String> CLUSTER_GAUGES = java.util.List.of("weir.retry.budget.exhausted",
            "weir.retries", "weir.retries.in.flight", "weir.cluster.panic", "weir.endpoint.outstanding.requests",
            "weir.endpoint.connections", "weir.endpoint.healthy", "weir.ejections");

    private void watch(Cluster cluster) {
        {
            FunctionCounter.builder("weir.retry.budget.exhausted", cluster.retryBudget(), b -> b.exhausted())
                    .description("retries refused because the cluster's retry budget was spent")
                    .tags("cluster", cluster.name()).register(registry);
            FunctionCounter.builder("weir.retries", cluster.retryBudget(), b -> b.granted())
                    .description("retries made (a request's second and later tries)")
                    .tags("cluster", cluster.name()).register(registry);
            Gauge.builder("weir.retries.in.flight", cluster.retryBudget(), b -> b.retrying())
                    .description("retries in flight").tags("cluster", cluster.name()).register(registry);
            Gauge.builder("weir.cluster.panic", cluster, c -> c.panicking() ? 1 : 0)
                    .description("1 while the cluster balances across all endpoints because too few are healthy")
                    .tags("cluster", cluster.name()).register(registry);
            for (Endpoint e : cluster.endpoints()) {
                Gauge.builder("weir.endpoint.outstanding.requests", e, Endpoint::outstanding)
                        .description("requests in flight on the endpoint")
                        .tags("cluster", cluster.name(), "endpoint", e.id()).register(registry);
                Gauge.builder("weir.endpoint.connections", e, Endpoint::connections)
                        .description("open upstream connections to the endpoint")
                        .tags("cluster", cluster.name(), "endpoint", e.id()).register(registry);
                Gauge.builder("weir.endpoint.healthy", e, x -> x.state() == EndpointState.HEALTHY ? 1 : 0)
                        .description("1 when the endpoint takes traffic")
                        .tags("cluster", cluster.name(), "endpoint", e.id()).register(registry);
                FunctionCounter.builder("weir.ejections", e, Endpoint::ejections)
                        .description("times outlier detection ejected the endpoint")
                        .tags("cluster", cluster.name(), "endpoint", e.id()).register(registry);
            }
        }
    }

    /**
     * {@code weir_health_transitions_total{cluster, endpoint, to}}: changes of endpoint state (to healthy,
     * unhealthy, ejected, draining) from health checks, outlier detection and drains. Rare: found per event.
     */
    public void watch(EndpointEvents events) {
        events.subscribe(ev -> Counter.builder("weir.health.transitions")
                .description("endpoint state changes, by the state entered")
                .tags("cluster", ev.cluster(), "endpoint", ev.endpoint(), "to", ev.to().name().toLowerCase(Locale.ROOT))
                .register(registry).increment());
    }

    /** {@code weir_tls_handshakes_total{listener, result}}: downstream TLS handshakes, {@code success} or {@code failure}. */
    public HandshakeObserver tlsHandshakes(String listener) {
        Counter ok = Counter.builder("weir.tls.handshakes").description("downstream TLS handshakes by result")
                .tags("listener", listener, "result", "success").register(registry);
        Counter failed = Counter.builder("weir.tls.handshakes").description("downstream TLS handshakes by result")
                .tags("listener", listener, "result", "failure").register(registry);
        return new HandshakeObserver() {
            @Override
            public void succeeded() {
                ok.increment();
            }

            @Override
            public void failed(Throwable cause) {
                failed.increment();
            }
        };
    }

    /**
     * Counters of session affinity: sessions re-pinned, cookies that named no endpoint (cookie insert); sessions
     * learned, held, evicted and found on other nodes (application cookie).
     */
    public void watch(StickySessions sticky) {
        for (ClusterAffinity a : sticky.all()) {
            if (a instanceof StickySession s) {
                FunctionCounter.builder("weir.sticky.repinned", s, StickySession::repinned)
                        .description("sticky sessions moved off an endpoint that was unhealthy, ejected, drained or gone")
                        .tags("cluster", s.cluster().name()).register(registry);
                FunctionCounter.builder("weir.sticky.invalid", s, StickySession::invalid)
                        .description("requests whose sticky cookie named no endpoint (tampered, or another key)")
                        .tags("cluster", s.cluster().name()).register(registry);
            } else if (a instanceof AppCookieSession s) {
                // On the table, which a reload keeps: the meters follow it.
                AppCookieTable t = s.table();
                String cluster = s.cluster().name();
                FunctionCounter.builder("weir.sticky.repinned", t, AppCookieTable::repinned)
                        .description("sticky sessions moved off an endpoint that was unhealthy, ejected, drained "
                                + "or gone")
                        .tags("cluster", cluster).register(registry);
                FunctionCounter.builder("weir.sticky.learned", t, AppCookieTable::learned)
                        .description("application session cookies learned from a backend's Set-Cookie")
                        .tags("cluster", cluster).register(registry);
                FunctionCounter.builder("weir.sticky.shared.found", t, AppCookieTable::foundShared)
                        .description("application sessions found in the shared store, learned by another node")
                        .tags("cluster", cluster).register(registry);
                FunctionCounter.builder("weir.sticky.evicted", t, AppCookieTable::evicted)
                        .description("application sessions dropped before their idle time because the table was full")
                        .tags("cluster", cluster).register(registry);
                Gauge.builder("weir.sticky.sessions", t, AppCookieTable::size)
                        .description("application sessions in this node's table")
                        .tags("cluster", cluster).register(registry);
            }
        }
    }

    /** {@code weir_rate_limited_total{listener, route}}: requests a route's rate limit refused with 429. */
    public void watch(String listener, Router router) {
        for (Route route : router.routes()) {
            if (route.rateLimiter() != null) {
                rateLimited.computeIfAbsent(listener + "\0" + route.name(), k -> {
                    RefusalCount count = new RefusalCount();
                    FunctionCounter.builder("weir.rate.limited", count, RefusalCount::total)
                            .description("requests refused with 429 by the route's rate limit")
                            .tags("listener", listener, "route", route.name()).register(registry);
                    return count;
                }).follow(route.rateLimiter());
            }
        }
    }

    /**
     * A route's refusals across reloads. A reload keeps a route's limiter while its {@code rate_limit} stays the
     * same; one that changed it brings a new limiter, counting from 0, and the counter must not fall back.
     */
    private static final class RefusalCount {
        private long before;
        private RateLimiter current;

        synchronized void follow(RateLimiter next) {
            if (current != null && current != next) {
                before += current.limited();
            }
            current = next;
        }

        synchronized double total() {
            return before + current.limited();
        }
    }

    @Override
    public void requestEnded(RequestOutcome o) {
        countProtocol(o);
        // get before computeIfAbsent: on every request the meters exist, and the lambda would be allocated anyway.
        ConcurrentMap<String, RouteMeters> routes = byRoute.get(o.listener());
        if (routes == null) {
            routes = byRoute.computeIfAbsent(o.listener(), l -> new ConcurrentHashMap<>());
        }
        String route = o.route() == null ? NONE : o.route();
        RouteMeters meters = routes.get(route);
        if (meters == null) {
            meters = routes.computeIfAbsent(route, r -> new RouteMeters(o.listener(), r, o.cluster()));
        }
        meters.record(o);
    }

    /** {@code weir_downstream_requests_total{listener, protocol}}: how many requests came over HTTP/1.x and HTTP/2. */
    private void countProtocol(RequestOutcome o) {
        String protocol = o.protocol() == null ? NONE : o.protocol();
        ConcurrentMap<String, Counter> counters = byProtocol.get(o.listener());
        if (counters == null) {
            counters = byProtocol.computeIfAbsent(o.listener(), l -> new ConcurrentHashMap<>());
        }
        Counter c = counters.get(protocol);
        if (c == null) {
            c = counters.computeIfAbsent(protocol, p -> Counter.builder("weir.downstream.requests")
                    .description("downstream requests by protocol").tags("listener", o.listener(), "protocol", p)
                    .register(registry));
        }
        c.increment();
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    private final class RouteMeters {
        private final String listener;
        private final String route;
        private final String cluster;
        private final Timer duration;
        private final Timer upstreamResponse;
        private final Counter bytesIn;
        private final Counter bytesOut;
        /** endpoint → counters by code class (index = status / 100, 0 = no status). */
        private final ConcurrentMap<String, Counter[]> requests = new ConcurrentHashMap<>();

        RouteMeters(String listener, String route, String cluster) {
            this.listener = listener;
            this.route = route;
            this.cluster = cluster == null ? NONE : cluster;
            this.duration = Timer.builder("weir.request.duration").description("downstream request duration")
                    .tags("listener", listener, "route", route, "cluster", this.cluster)
                    .serviceLevelObjectives(BUCKETS).register(registry);
            this.upstreamResponse = Timer.builder("weir.upstream.response")
                    .description("time from the start of a request to the upstream's response head")
                    .tags("listener", listener, "route", route, "cluster", this.cluster)
                    .serviceLevelObjectives(BUCKETS).register(registry);
            this.bytesIn = Counter.builder("weir.downstream.received").baseUnit("bytes")
                    .description("request body bytes received").tags("listener", listener, "route", route)
                    .register(registry);
            this.bytesOut = Counter.builder("weir.downstream.sent").baseUnit("bytes")
                    .description("response body bytes sent").tags("listener", listener, "route", route)
                    .register(registry);
        }

        void record(RequestOutcome o) {
            int cls = o.status() >= 100 && o.status() < 600 ? o.status() / 100 : 0;
            String endpoint = o.endpoint() == null ? NONE : o.endpoint();
            Counter[] counters = requests.get(endpoint);
            if (counters == null) {
                counters = requests.computeIfAbsent(endpoint, e -> new Counter[6]);
            }
            Counter c = counters[cls];
            if (c == null) {
                c = Counter.builder("weir.requests").description("requests by outcome")
                        .tags("listener", listener, "route", route, "cluster", cluster, "endpoint", endpoint,
                                "code_class", cls == 0 ? "none" : CODE_CLASSES[cls])
                        .register(registry);
                counters[cls] = c;
            }
            c.increment();
            duration.record(o.totalNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            if (o.upstreamResponseNanos() >= 0) {
                upstreamResponse.record(o.upstreamResponseNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            if (o.bytesIn() > 0) {
                bytesIn.increment(o.bytesIn());
            }
            if (o.bytesOut() > 0) {
                bytesOut.increment(o.bytesOut());
            }
        }
    }

    /** Exposed for components that add their own meters (retries, health transitions, access-log drops). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }
}
