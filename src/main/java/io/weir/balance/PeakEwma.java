package io.weir.balance;

import io.weir.runtime.LoopClock;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Latency of one host as Finagle's peak-sensitive moving average: a response slower than the
 * estimate replaces it at once (so a host that turns slow is shunned within one response), faster
 * ones pull it down with an exponential decay whose half-life is configured (default 10 s, as in
 * Finagle and Linkerd). Reading decays the estimate toward zero as time passes without samples, so
 * a host that was slow once and then lost every comparison is eventually tried again instead of
 * starved forever.
 *
 * <p>Written by the proxy on every response from any event loop ({@link #observe} is synchronized:
 * one host's responses rarely collide, and the lock is never on the pick path); read without a lock
 * by pickers. The clock is injected so tests drive time.
 */
public final class PeakEwma {

    public static final Duration DEFAULT_HALF_LIFE = Duration.ofSeconds(10);

    private final LongSupplier nanoClock;
    /** Decay time constant: e^(-t/tau) halves every half-life. */
    private final double tauNanos;
    private volatile double cost;
    private volatile long stampNanos;
    private volatile boolean sampled;

    public PeakEwma() {
        this(LoopClock::nanoTime, DEFAULT_HALF_LIFE);
    }

    public PeakEwma(LongSupplier nanoClock, Duration halfLife) {
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException("half-life must be positive: " + halfLife);
        }
        this.nanoClock = nanoClock;
        this.tauNanos = halfLife.toNanos() / Math.log(2);
        this.stampNanos = nanoClock.getAsLong();
    }

    /** Records one observed latency. */
    public synchronized void observe(long latencyNanos) {
        long now = nanoClock.getAsLong();
        double rtt = Math.max(0, latencyNanos);
        if (!sampled) {
            cost = rtt;
            sampled = true;
        } else {
            double w = decay(now);
            double c = cost;
            cost = rtt > c ? rtt : c * w + rtt * (1 - w);
        }
        stampNanos = now;
    }

    /** The current estimate in nanoseconds, decayed to now; 0 when nothing was observed yet. */
    public long estimateNanos() {
        if (!sampled) {
            return 0;
        }
        return (long) (cost * decay(nanoClock.getAsLong()));
    }

    /** Whether any latency was observed; a host without samples is priced at the cluster's median. */
    public boolean hasSamples() {
        return sampled;
    }

    private double decay(long now) {
        long elapsed = Math.max(0, now - stampNanos);
        return elapsed == 0 ? 1 : Math.exp(-elapsed / tauNanos);
    }
}
