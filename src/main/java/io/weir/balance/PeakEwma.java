package io.weir.balance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Latency of one host as a peak-sensitive moving average: a slow response raises it at once, fast
 * ones lower it with a half-life. Written by the proxy on every response, read by pickers.
 */
public final class PeakEwma {

    private final AtomicLong lastNanos = new AtomicLong();

    /** Records one observed latency. */
    public void observe(long latencyNanos) {
        long prev = lastNanos.get();
        long next = prev == 0 || latencyNanos > prev ? latencyNanos : prev - ((prev - latencyNanos) >> 3);
        lastNanos.set(next);
    }

    /** The current estimate in nanoseconds; 0 when nothing was observed yet. */
    public long estimateNanos() {
        return lastNanos.get();
    }
}
