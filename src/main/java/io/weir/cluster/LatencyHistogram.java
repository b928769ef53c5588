package io.weir.cluster;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Cumulative counts of an endpoint's request latencies in log-spaced buckets (four per power of two, from
 * 1 µs up), plus requests that ended without a latency (failed early, UDP flows). Recording costs a division
 * by a constant, a leading-zero count and one atomic increment, no allocation. Readers take two
 * {@link #copyInto} snapshots a while apart and read rates and percentiles off their difference (the
 * dashboard does so once a second), with a bucket width of at most 25%.
 */
public final class LatencyHistogram {

    private static final int SUB = 4;
    /** Enough for 2^41 µs (25 days); anything longer lands in the last bucket. */
    static final int BUCKETS = 40 * SUB;
    /** The slot counting requests that ended without a latency. */
    static final int NO_LATENCY = BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);

    public void record(long nanos) {
        counts.incrementAndGet(index(nanos / 1000));
    }

    public void recordWithoutLatency() {
        counts.incrementAndGet(NO_LATENCY);
    }

    /** A new array for {@link #copyInto}. */
    public static long[] newSnapshot() {
        return new long[BUCKETS + 1];
    }

    /** Copies the cumulative counts into {@code into} (from {@link #newSnapshot}). */
    public void copyInto(long[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = counts.get(i);
        }
    }

    /** Requests ended between the snapshots {@code before} and {@code after}, with or without a latency. */
    public static long count(long[] before, long[] after) {
        long n = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            n += after[i] - before[i];
        }
        return n;
    }

    /**
     * The {@code q} quantile (0 &lt; q ≤ 1) in milliseconds of the latencies recorded between two snapshots, as
     * the middle of its bucket; {@code NaN} when none were.
     */
    public static double quantileMillis(long[] before, long[] after, double q) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += after[i] - before[i];
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += after[i] - before[i];
            if (seen >= rank) {
                return (lowerMicros(i) + lowerMicros(i + 1)) / 2 / 1000;
            }
        }
        return lowerMicros(BUCKETS) / 1000;
    }

    static int index(long micros) {
        if (micros < SUB) {
            return (int) Math.max(0, micros);
        }
        int msb = 63 - Long.numberOfLeadingZeros(micros);
        int sub = (int) (micros >>> (msb - 2)) & (SUB - 1);
        return Math.min(BUCKETS - 1, (msb - 1) * SUB + sub);
    }

    /** The smallest latency, in µs, that falls in bucket {@code i}. */
    static double lowerMicros(int i) {
        if (i < SUB) {
            return i;
        }
        int msb = i / SUB + 1;
        return (double) ((SUB + (long) (i % SUB)) << (msb - 2));
    }
}
