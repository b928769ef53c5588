package io.weir.health;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.config.HealthCheckConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs one endpoint's active checks on one event loop: a probe, its timeout, the next probe an interval
 * (plus jitter) after this one ends, so probes never overlap. Verdicts go through the {@link HealthTracker};
 * a change of state is logged with its reason and applied to the endpoint and the cluster's snapshot.
 */
final class EndpointChecker {

    private static final Logger log = LoggerFactory.getLogger(EndpointChecker.class);

    private final Cluster cluster;
    private final Endpoint endpoint;
    private final HealthCheckConfig config;
    private final EventLoop loop;
    private final Probe probe;
    private final HealthTracker tracker;
    /** Identifies the probe in flight; a result or timeout for any other is stale and ignored. */
    private long attempt;
    private ScheduledFuture<?> pending;
    private volatile boolean running;
    /** Completes when the first probe has a verdict (pass, fail or timeout), or the checker stops before. */
    private final CompletableFuture<Void> firstVerdict = new CompletableFuture<>();

    EndpointChecker(Cluster cluster, Endpoint endpoint, HealthCheckConfig config, EventLoop loop, Probe probe) {
        this(cluster, endpoint, config, loop, probe, false);
    }

    /** With {@code keepState}, the checker starts from the endpoint's current verdict (a reload carried it over). */
    EndpointChecker(Cluster cluster, Endpoint endpoint, HealthCheckConfig config, EventLoop loop, Probe probe,
                    boolean keepState) {
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.config = config;
        this.loop = loop;
        this.probe = probe;
        this.tracker = keepState ? new HealthTracker(config, System.currentTimeMillis(), endpoint.passingChecks())
                : new HealthTracker(config, System.currentTimeMillis());
    }

    Endpoint endpoint() {
        return endpoint;
    }

    CompletableFuture<Void> firstVerdict() {
        return firstVerdict;
    }

    /** The last change of state and its reason. */
    HealthTransition lastTransition() {
        return tracker.last();
    }

    /**
     * Applies the initial state at once (before listeners bind, so no request sees a stale one) and
     * starts probing. The first probe waits a random part of the jitter, so a cluster's endpoints spread out.
     */
    void start() {
        endpoint.setPassingChecks(tracker.healthy(), tracker.last().reason());
        running = true;
        loop.execute(() -> schedule(randomJitter()));
    }

    void stop() {
        running = false;
        firstVerdict.complete(null);
        if (!loop.isShuttingDown()) {
            loop.execute(() -> {
                attempt++;
                if (pending != null) {
                    pending.cancel(false);
                }
                probe.cancel();
            });
        }
    }

    private long randomJitter() {
        long jitter = config.jitter().toNanos();
        return jitter <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1);
    }

    private void schedule(long delayNanos) {
        if (running) {
            pending = loop.schedule(this::probe, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void probe() {
        if (!running) {
            return;
        }
        long id = ++attempt;
        pending = loop.schedule(() -> {
            if (id == attempt) {
                probe.cancel();
                finished(id, ProbeResult.fail(Reasons.timeout(config.timeout())));
            }
        }, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        probe.start(result -> finished(id, result));
    }

    /** The first result of probe {@code id} counts; the rest, and any after a stop, are ignored. */
    private void finished(long id, ProbeResult result) {
        if (id != attempt || !running) {
            return;
        }
        attempt++;
        pending.cancel(false);
        HealthTransition t = tracker.record(result, System.currentTimeMillis());
        if (t != null) {
            apply(t);
        }
        firstVerdict.complete(null);
        schedule(config.interval().toNanos() + randomJitter());
    }

    private void apply(HealthTransition t) {
        if (t.healthy()) {
            log.info("cluster {} endpoint {} is healthy: {}", cluster.name(), endpoint, t.reason());
        } else {
            log.warn("cluster {} endpoint {} is unhealthy: {}", cluster.name(), endpoint, t.reason());
        }
        if (endpoint.setPassingChecks(t.healthy(), t.reason())) {
            cluster.rebuild();
        }
    }
}
