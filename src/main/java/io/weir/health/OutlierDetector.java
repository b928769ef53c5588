package io.weir.health;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.cluster.Outcomes;
import io.weir.config.OutlierDetectionConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Passive health for one cluster: ejects an endpoint after {@code consecutive_failures} 5xx or gateway
 * failures on real traffic, or when its success rate falls below the cluster's mean − k·stddev over an
 * interval. An ejection lasts base × times ejected (capped); the count decays by one per clean interval,
 * so an endpoint that failed once long ago starts over. Never more than {@code max_ejection_percent} of
 * the cluster is out at once (one endpoint always may be). All its state lives on one event loop.
 */
final class OutlierDetector {

    private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);
    /** How often ejection counts decay when success-rate detection is off. */
    private static final Duration DEFAULT_SWEEP = OutlierDetectionConfig.SuccessRate.DEFAULT.interval();

    private final Cluster cluster;
    private final OutlierDetectionConfig config;
    private final EventLoop loop;
    private final Map<Endpoint, Integer> timesEjected = new IdentityHashMap<>();
    private final Map<Endpoint, ScheduledFuture<?>> readmissions = new IdentityHashMap<>();
    /** Endpoints refused an ejection by the cap, logged once until an ejection ends: an outage is not spam. */
    private final Set<Endpoint> refusedLogged = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Written on the loop, read by the admin API from anywhere. */
    private final Map<Endpoint, Ejection> lastEjections = new ConcurrentHashMap<>();
    private ScheduledFuture<?> sweep;
    private volatile boolean running;

    OutlierDetector(Cluster cluster, OutlierDetectionConfig config, EventLoop loop) {
        this.cluster = cluster;
        this.config = config;
        this.loop = loop;
    }

    void start() {
        running = true;
        for (Endpoint e : cluster.endpoints()) {
            e.outcomes().observe(config.consecutiveFailures(), (count, reason) -> onLoop(() ->
                    consecutiveFailures(e, count, reason)));
        }
        long period = config.successRate().map(OutlierDetectionConfig.SuccessRate::interval).orElse(DEFAULT_SWEEP)
                .toNanos();
        loop.execute(() -> sweep = loop.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS));
    }

    /** Called from the proxy's event loops: never let a closing Weir's rejection reach a request. */
    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            // Weir is closing; nothing left to eject.
        }
    }

    void stop() {
        running = false;
        cluster.endpoints().forEach(e -> e.outcomes().observe(Integer.MAX_VALUE, null));
        if (!loop.isShuttingDown()) {
            loop.execute(() -> {
                if (sweep != null) {
                    sweep.cancel(false);
                }
                readmissions.values().forEach(f -> f.cancel(false));
            });
        }
    }

    private void consecutiveFailures(Endpoint e, int count, String reason) {
        if (running && !e.isEjected()) {
            eject(e, count + " consecutive failures, the last: " + reason);
        }
    }

    private void eject(Endpoint e, String why) {
        // A new streak starts either way: a refused ejection is reconsidered after N more failures.
        e.outcomes().resetStreak();
        int allowed = Math.max(1, cluster.endpoints().size() * config.maxEjectionPercent() / 100);
        if (readmissions.size() >= allowed) {
            if (refusedLogged.add(e)) {
                log.warn("cluster {} endpoint {} not ejected ({}): {} of {} endpoints already are, the most "
                        + "max_ejection_percent {}% allows", cluster.name(), e, why, readmissions.size(),
                        cluster.endpoints().size(), config.maxEjectionPercent());
            }
            return;
        }
        int times = timesEjected.merge(e, 1, Integer::sum);
        Duration time = ejectionTime(config, times);
        lastEjections.put(e, new Ejection(why, System.currentTimeMillis(), time, times));
        e.setEjected(true, "ejected for " + Reasons.human(time) + " (ejection #" + times + "): " + why);
        cluster.rebuild();
        log.warn("cluster {} endpoint {} ejected for {} (ejection #{}): {}", cluster.name(), e,
                Reasons.human(time), times, why);
        readmissions.put(e, loop.schedule(() -> readmit(e, time), time.toNanos(), TimeUnit.NANOSECONDS));
    }

    Optional<Ejection> lastEjection(Endpoint e) {
        return Optional.ofNullable(lastEjections.get(e));
    }

    /** base × times, capped at max: an endpoint that keeps failing stays out longer each time. */
    static Duration ejectionTime(OutlierDetectionConfig config, int times) {
        Duration t = config.baseEjectionTime().multipliedBy(times);
        return t.compareTo(config.maxEjectionTime()) > 0 ? config.maxEjectionTime() : t;
    }

    private void readmit(Endpoint e, Duration after) {
        readmissions.remove(e);
        refusedLogged.clear();
        if (!running) {
            return;
        }
        e.outcomes().resetStreak();
        e.setEjected(false, "re-admitted after " + Reasons.human(after) + " ejected");
        cluster.rebuild();
        log.info("cluster {} endpoint {} re-admitted after {} ejected{}", cluster.name(), e, Reasons.human(after),
                cluster.config().slowStart().map(s -> ", ramping up over slow_start " + Reasons.human(s)).orElse(""));
    }

    /** Every interval: decay ejection counts, then judge success rates. */
    private void sweep() {
        if (!running) {
            return;
        }
        Map<Endpoint, Outcomes.Window> windows = new IdentityHashMap<>();
        for (Endpoint e : cluster.endpoints()) {
            windows.put(e, e.outcomes().takeWindow());
            if (!e.isEjected()) {
                timesEjected.computeIfPresent(e, (k, n) -> n > 1 ? n - 1 : null);
            }
        }
        config.successRate().ifPresent(sr -> judgeSuccessRates(sr, windows));
    }

    private void judgeSuccessRates(OutlierDetectionConfig.SuccessRate sr, Map<Endpoint, Outcomes.Window> windows) {
        List<Endpoint> judged = new ArrayList<>();
        double sum = 0;
        for (Endpoint e : cluster.endpoints()) {
            Outcomes.Window w = windows.get(e);
            if (!e.isEjected() && w.total() >= sr.requestVolume()) {
                judged.add(e);
                sum += w.successRate();
            }
        }
        if (judged.size() < sr.minimumHosts() || judged.isEmpty()) {
            return;
        }
        double mean = sum / judged.size();
        double squares = 0;
        for (Endpoint e : judged) {
            double d = windows.get(e).successRate() - mean;
            squares += d * d;
        }
        double threshold = mean - sr.stdevFactor() * Math.sqrt(squares / judged.size());
        for (Endpoint e : judged) {
            Outcomes.Window w = windows.get(e);
            if (w.successRate() < threshold) {
                eject(e, String.format(Locale.ROOT, "success rate %.1f%% over %d requests, under the cluster's "
                        + "threshold %.1f%% (mean %.1f%%)", 100 * w.successRate(), w.total(), 100 * threshold,
                        100 * mean));
            }
        }
    }
}
