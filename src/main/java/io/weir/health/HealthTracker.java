package io.weir.health;

import io.weir.config.HealthCheckConfig;

/**
 * The rise/fall state machine of one endpoint: {@code healthy_threshold} passes in a row make it healthy,
 * {@code unhealthy_threshold} failures in a row unhealthy. Before the first result the state is the
 * configured initial one. From {@code initial_state: unhealthy} the first result decides alone, so a fresh
 * Weir does not wait {@code healthy_threshold} intervals to trust a working endpoint (and a first failure
 * is reported, so the operator sees why an endpoint never came up). Confined to one event loop.
 */
final class HealthTracker {

    private final int rise;
    private final int fall;
    private boolean healthy;
    private boolean checked;
    private int passes;
    private int failures;
    private volatile HealthTransition last;

    HealthTracker(HealthCheckConfig config, long nowMillis) {
        this.rise = config.healthyThreshold();
        this.fall = config.unhealthyThreshold();
        this.healthy = config.initialState() == HealthCheckConfig.InitialState.HEALTHY;
        this.last = new HealthTransition(healthy, "initial_state " + (healthy ? "healthy" : "unhealthy"), nowMillis);
    }

    /** A tracker carried over a reload: it starts from the endpoint's current verdict, as if already checked. */
    HealthTracker(HealthCheckConfig config, long nowMillis, boolean healthyNow) {
        this.rise = config.healthyThreshold();
        this.fall = config.unhealthyThreshold();
        this.healthy = healthyNow;
        this.checked = true;
        this.last = new HealthTransition(healthy, "kept across a config reload", nowMillis);
    }

    boolean healthy() {
        return healthy;
    }

    /** The last change, readable from any thread. */
    HealthTransition last() {
        return last;
    }

    /** Feeds one result. @return the transition it caused, or null when the state holds */
    HealthTransition record(ProbeResult result, long nowMillis) {
        boolean first = !checked;
        checked = true;
        if (result.passed()) {
            failures = 0;
            passes++;
            if (!healthy && (first || passes >= rise)) {
                return change(true, first ? "first check passed: " + result.detail()
                        : result.detail() + " (" + passes + " passes in a row)", nowMillis);
            }
        } else {
            passes = 0;
            failures++;
            if (first && !healthy) {
                return change(false, "first check failed: " + result.detail(), nowMillis);
            }
            if (healthy && failures >= fall) {
                return change(false, result.detail() + " (" + failures + " failures in a row)", nowMillis);
            }
        }
        return null;
    }

    private HealthTransition change(boolean nowHealthy, String reason, long nowMillis) {
        healthy = nowHealthy;
        passes = 0;
        failures = 0;
        HealthTransition t = new HealthTransition(nowHealthy, reason, nowMillis);
        last = t;
        return t;
    }
}
