package io.weir.admin;

import io.weir.cli.WeirVersion;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointEvents;
import io.weir.cluster.LatencyHistogram;
import io.weir.cluster.StateChange;
import io.weir.runtime.Weir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the dashboard shows, taken once per tick for every subscriber: each cluster's endpoints with state,
 * reason and since when, configured and effective weight, connections, requests/s and latency p50/p99 over
 * the last tick (from each endpoint's {@link LatencyHistogram}, diffed against the previous tick), and the
 * recent state changes. Called from one thread only (the stream's ticker).
 */
final class DashboardSnapshot {

    /** Events sent with each snapshot: the page lists them, newest first. */
    static final int EVENTS = 30;

    private final Weir weir;
    private final Instant started = Instant.now();
    /** Each endpoint's cumulative histogram at the previous tick; endpoints gone after a reload drop out. */
    private Map<Endpoint, long[]> previous = new IdentityHashMap<>();
    private long previousNanos;

    DashboardSnapshot(Weir weir) {
        this.weir = weir;
    }

    /** Forgets the previous tick: after a pause with no subscriber, rates start over instead of averaging it. */
    void reset() {
        previous = new IdentityHashMap<>();
    }

    Map<String, Object> take() {
        long now = System.nanoTime();
        double seconds = (now - previousNanos) / 1e9;
        Map<Endpoint, long[]> current = new IdentityHashMap<>();
        List<Map<String, Object>> clusters = new ArrayList<>();
        for (Cluster c : weir.clusters().all()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("name", c.name());
            cm.put("balance", c.config().balance().name().toLowerCase(Locale.ROOT));
            cm.put("panic", c.panicking());
            List<Map<String, Object>> endpoints = new ArrayList<>();
            for (Endpoint e : c.endpoints()) {
                long[] counts = LatencyHistogram.newSnapshot();
                e.histogram().copyInto(counts);
                current.put(e, counts);
                endpoints.add(endpoint(c, e, previous.get(e), counts, seconds));
            }
            cm.put("endpoints", endpoints);
            clusters.add(cm);
        }
        previous = current;
        previousNanos = now;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", System.currentTimeMillis());
        m.put("version", WeirVersion.version());
        m.put("uptime_seconds", (System.currentTimeMillis() - started.toEpochMilli()) / 1000);
        m.put("transport", weir.transportName());
        m.put("config_file", String.valueOf(weir.config().source()));
        m.put("clusters", clusters);
        m.put("events", events());
        return m;
    }

    private static Map<String, Object> endpoint(Cluster c, Endpoint e, long[] before, long[] after, double seconds) {
        StateChange change = e.lastChange();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", e.id());
        m.put("state", e.state().name().toLowerCase(Locale.ROOT));
        m.put("reason", change.reason());
        m.put("since", change.atMillis());
        m.put("weight", e.weight());
        m.put("effective_weight", round(c.effectiveWeight(e)));
        m.put("connections", e.connections());
        m.put("outstanding", e.outstanding());
        // No previous tick (a new subscriber after a pause, a new endpoint): no rate yet rather than a wrong one.
        boolean rated = before != null && seconds > 0;
        m.put("rps", rated ? round(LatencyHistogram.count(before, after) / seconds) : null);
        m.put("p50_ms", rated ? finite(LatencyHistogram.quantileMillis(before, after, 0.50)) : null);
        m.put("p99_ms", rated ? finite(LatencyHistogram.quantileMillis(before, after, 0.99)) : null);
        return m;
    }

    private List<Map<String, Object>> events() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EndpointEvents.Event ev : weir.health().events().recent(EVENTS)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", ev.atMillis());
            m.put("cluster", ev.cluster());
            m.put("endpoint", ev.endpoint());
            m.put("from", ev.from().name().toLowerCase(Locale.ROOT));
            m.put("to", ev.to().name().toLowerCase(Locale.ROOT));
            m.put("reason", ev.reason());
            out.add(m);
        }
        return out;
    }

    private static Double finite(double v) {
        return Double.isNaN(v) ? null : round(v);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
