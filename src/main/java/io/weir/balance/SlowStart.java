package io.weir.balance;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Slow start for any policy (Envoy's formula): a host that became available {@code t} ago, with
 * {@code t} inside the window, weighs {@code weight × max(minWeightPercent / 100,
 * (t / window)^(1 / aggression))}; aggression 1 ramps linearly, above 1 faster early on. A host
 * freshly back from a restart thus gets a trickle first, which warms its caches and JIT instead of
 * receiving its full share cold.
 *
 * <p>How, given that snapshots are immutable: the decorator holds the current inner snapshot built
 * with effective weights and, every {@code step} (window / 32, between 10 ms and 1 s), recomputes the
 * effective weights; only when they differ does it build a new inner snapshot. The pick path costs
 * one clock read and one compare; the check is done by whichever pick first sees the step expire
 * (others keep using the current snapshot meanwhile, no lock). Rebuilding rather than scaling at pick
 * time was chosen because it serves every policy the same way, including the table-based ones (round
 * robin, ring, Maglev) whose weights live in tables; the price is a rebuild per step while a host
 * ramps, at most window / step = 32 rebuilds per ramp. With {@link RingHash} a ramp only adds points
 * for the ramping host, so keys move only to it; Maglev reshuffles a little at each step.
 *
 * <p>The check also runs when nothing is ramping, so a host that comes back without a snapshot
 * rebuild still ramps. A host reporting {@code availableSinceNanos() == Long.MIN_VALUE} (for example
 * one present when the cluster started) never ramps.
 */
public final class SlowStart implements LoadBalancerFactory {

    private final WeightedFactory inner;
    private final long windowNanos;
    private final double aggression;
    private final double minFactor;
    private final LongSupplier nanoClock;
    private final long stepNanos;

    SlowStart(WeightedFactory inner, Duration window, double aggression, double minWeightPercent,
              LongSupplier nanoClock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("slow start window must be positive: " + window);
        }
        validate(aggression, minWeightPercent);
        this.inner = inner;
        this.windowNanos = window.toNanos();
        this.aggression = aggression;
        this.minFactor = minWeightPercent / 100;
        this.nanoClock = nanoClock;
        this.stepNanos = Math.max(10_000_000L, Math.min(1_000_000_000L, windowNanos / 32));
    }

    static void validate(double aggression, double minWeightPercent) {
        if (!(aggression > 0) || Double.isInfinite(aggression)) {
            throw new IllegalArgumentException("slow start aggression must be positive: " + aggression);
        }
        if (!(minWeightPercent > 0 && minWeightPercent <= 100)) {
            throw new IllegalArgumentException("slow start min weight percent must be in (0, 100]: " + minWeightPercent);
        }
    }

    @Override
    public <H extends Host> LoadBalancer<H> create(List<H> hosts) {
        return new Ramping<>(List.copyOf(hosts));
    }

    /** The weight factor of a host available since {@code since}, at {@code now}. */
    double factor(long since, long now) {
        return factor(windowNanos, aggression, minFactor, since, now);
    }

    static double factor(long windowNanos, double aggression, double minFactor, long since, long now) {
        if (since == Long.MIN_VALUE) {
            return 1;
        }
        long elapsed = now - since;
        if (elapsed >= windowNanos) {
            return 1;
        }
        double t = Math.max(0, elapsed) / (double) windowNanos;
        return Math.max(minFactor, Math.pow(t, 1 / aggression));
    }

    long stepNanos() {
        return stepNanos;
    }

    private final class Ramping<H extends Host> implements LoadBalancer<H> {

        private final List<H> hosts;
        private final double[] configured;
        private final AtomicBoolean refreshing = new AtomicBoolean();
        private volatile LoadBalancer<H> current;
        private volatile long nextCheckNanos;
        private double[] currentWeights;

        Ramping(List<H> hosts) {
            this.hosts = hosts;
            this.configured = Weights.configured(hosts);
            long now = nanoClock.getAsLong();
            this.currentWeights = effective(now);
            this.current = inner.create(hosts, currentWeights);
            this.nextCheckNanos = now + stepNanos;
        }

        @Override
        public H pick(PickContext ctx) {
            long now = nanoClock.getAsLong();
            if (now - nextCheckNanos >= 0) {
                refresh(now);
            }
            return current.pick(ctx);
        }

        private void refresh(long now) {
            if (!refreshing.compareAndSet(false, true)) {
                return;
            }
            try {
                double[] w = effective(now);
                if (!Arrays.equals(w, currentWeights)) {
                    currentWeights = w;
                    current = inner.create(hosts, w);
                }
                nextCheckNanos = now + stepNanos;
            } finally {
                refreshing.set(false);
            }
        }

        private double[] effective(long now) {
            double[] w = new double[configured.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = configured[i] * factor(hosts.get(i).availableSinceNanos(), now);
            }
            return w;
        }

        @Override
        public String toString() {
            return "SlowStart" + Arrays.toString(currentWeights);
        }
    }
}
