package io.weir.balance;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything that configures a cluster's balancer, validated on construction; defaults in one place
 * ({@link #of(Policy)}).
 *
 * @param policy                    the algorithm
 * @param ringSize                  ring hash: points on the ring per unit of weight (see {@link RingHash})
 * @param maglevTableSize           Maglev: prime table size; grown to a prime above 100 × hosts when the pool outgrows it
 * @param hashBalanceFactor         ring hash and Maglev: bounded-load factor (e.g. 1.25), 0 = off
 * @param slowStartWindow           ramp-up window for hosts that became available; zero = off
 * @param slowStartAggression       1 = linear ramp, higher = faster early
 * @param slowStartMinWeightPercent a ramping host's floor, in percent of its weight
 * @param lrtHalfLife               least response time: decay half-life of each host's peak EWMA
 */
public record BalancerSpec(
        Policy policy,
        int ringSize,
        int maglevTableSize,
        double hashBalanceFactor,
        Duration slowStartWindow,
        double slowStartAggression,
        double slowStartMinWeightPercent,
        Duration lrtHalfLife) {

    public static final double DEFAULT_SLOW_START_AGGRESSION = 1.0;
    public static final double DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT = 10;

    public BalancerSpec {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(slowStartWindow, "slowStartWindow");
        Objects.requireNonNull(lrtHalfLife, "lrtHalfLife");
        if (ringSize < 1) {
            throw new IllegalArgumentException("ring size must be >= 1: " + ringSize);
        }
        if (!Maglev.isPrime(maglevTableSize)) {
            throw new IllegalArgumentException("maglev table size must be prime: " + maglevTableSize);
        }
        BoundedLoad.validate(hashBalanceFactor);
        if (slowStartWindow.isNegative()) {
            throw new IllegalArgumentException("slow start window must not be negative: " + slowStartWindow);
        }
        SlowStart.validate(slowStartAggression, slowStartMinWeightPercent);
        if (lrtHalfLife.isNegative() || lrtHalfLife.isZero()) {
            throw new IllegalArgumentException("latency half-life must be positive: " + lrtHalfLife);
        }
    }

    /** The policy with every other setting at its default (no bounded load, no slow start). */
    public static BalancerSpec of(Policy policy) {
        return new BalancerSpec(policy, RingHash.DEFAULT_POINTS_PER_WEIGHT, Maglev.DEFAULT_TABLE_SIZE,
                BoundedLoad.OFF, Duration.ZERO, DEFAULT_SLOW_START_AGGRESSION,
                DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT, PeakEwma.DEFAULT_HALF_LIFE);
    }

    /**
     * The share of its weight slow start gives a host available since {@code availableSinceNanos} (1 when slow
     * start is off or the ramp is over): what the balancer uses, for the admin API and dashboard to show.
     */
    public double rampFactor(long availableSinceNanos, long nowNanos) {
        if (slowStartWindow.isZero()) {
            return 1;
        }
        return SlowStart.factor(slowStartWindow.toNanos(), slowStartAggression, slowStartMinWeightPercent / 100,
                availableSinceNanos, nowNanos);
    }

    public BalancerSpec withRingSize(int size) {
        return new BalancerSpec(policy, size, maglevTableSize, hashBalanceFactor, slowStartWindow,
                slowStartAggression, slowStartMinWeightPercent, lrtHalfLife);
    }

    public BalancerSpec withMaglevTableSize(int size) {
        return new BalancerSpec(policy, ringSize, size, hashBalanceFactor, slowStartWindow,
                slowStartAggression, slowStartMinWeightPercent, lrtHalfLife);
    }

    public BalancerSpec withHashBalanceFactor(double factor) {
        return new BalancerSpec(policy, ringSize, maglevTableSize, factor, slowStartWindow,
                slowStartAggression, slowStartMinWeightPercent, lrtHalfLife);
    }

    public BalancerSpec withSlowStart(Duration window, double aggression, double minWeightPercent) {
        return new BalancerSpec(policy, ringSize, maglevTableSize, hashBalanceFactor, window,
                aggression, minWeightPercent, lrtHalfLife);
    }

    public BalancerSpec withLrtHalfLife(Duration halfLife) {
        return new BalancerSpec(policy, ringSize, maglevTableSize, hashBalanceFactor, slowStartWindow,
                slowStartAggression, slowStartMinWeightPercent, halfLife);
    }

    public boolean hasSlowStart() {
        return !slowStartWindow.isZero();
    }
}
