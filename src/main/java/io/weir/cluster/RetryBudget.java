package io.weir.cluster;

import io.weir.config.ClusterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * How many retries one cluster may have in flight. When endpoints fail, every failed request that retries
 * adds another request to a cluster already in trouble: with 3 attempts an outage can triple the load on
 * whatever is left. So retries in flight are capped at a share of the requests in flight, with a small
 * per-second floor so that a quiet cluster (one request in flight) can still retry at all.
 *
 * <p>Shared by the event loops: plain atomics, no lock. The check and the increment are not one step, so
 * under a race the cap may be passed by a retry or two, which is fine for a budget.
 */
public final class RetryBudget {

    private static final Logger log = LoggerFactory.getLogger(RetryBudget.class);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long LOG_EVERY = TimeUnit.SECONDS.toNanos(10);

    private final String cluster;
    private final int percent;
    private final int minPerSecond;
    private final LongSupplier nanoClock;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger retrying = new AtomicInteger();
    /** The floor: retries taken in the current one-second window. */
    private final AtomicLong windowStart;
    private final AtomicInteger windowTaken = new AtomicInteger();
    private final LongAdder exhausted = new LongAdder();
    private final LongAdder granted = new LongAdder();
    private final AtomicLong lastLogNanos;
    private final AtomicLong unloggedDenials = new AtomicLong();

    public RetryBudget(String cluster, ClusterConfig.RetryBudget config, LongSupplier nanoClock) {
        this.cluster = cluster;
        this.percent = config.percent();
        this.minPerSecond = config.minPerSecond();
        this.nanoClock = nanoClock;
        long now = nanoClock.getAsLong();
        this.windowStart = new AtomicLong(now);
        this.lastLogNanos = new AtomicLong(now - LOG_EVERY);
    }

    /** A request to this cluster began (its first try). */
    public void requestStarted() {
        active.incrementAndGet();
    }

    /** The request counted by {@link #requestStarted} ended. */
    public void requestEnded() {
        active.decrementAndGet();
    }

    /**
     * Asks for one retry. On {@code true} the caller holds a slot until it calls {@link #retryEnded}; on
     * {@code false} the caller answers with the failure it has, and the denial is counted.
     */
    public boolean tryRetry() {
        int inFlight = retrying.get();
        if ((long) inFlight * 100 < (long) active.get() * percent || takeFloor()) {
            retrying.incrementAndGet();
            granted.increment();
            return true;
        }
        exhausted.increment();
        logDenial();
        return false;
    }

    /** The retry granted by {@link #tryRetry} ended (answered, failed, or followed by another retry). */
    public void retryEnded() {
        retrying.decrementAndGet();
    }

    /** Retries refused because the budget was spent, since start: for metrics. */
    public long exhausted() {
        return exhausted.sum();
    }

    /** Retries granted since start: for metrics. */
    public long granted() {
        return granted.sum();
    }

    /** Retries in flight now. */
    public int retrying() {
        return retrying.get();
    }

    /** Requests in flight now. */
    public int active() {
        return active.get();
    }

    private boolean takeFloor() {
        if (minPerSecond == 0) {
            return false;
        }
        long now = nanoClock.getAsLong();
        long start = windowStart.get();
        if (now - start >= SECOND && windowStart.compareAndSet(start, now)) {
            windowTaken.set(0);
        }
        if (windowTaken.incrementAndGet() <= minPerSecond) {
            return true;
        }
        windowTaken.decrementAndGet();
        return false;
    }

    /** At most one line per ten seconds: during an outage this would otherwise log once per request. */
    private void logDenial() {
        unloggedDenials.incrementAndGet();
        long now = nanoClock.getAsLong();
        long last = lastLogNanos.get();
        if (now - last >= LOG_EVERY && lastLogNanos.compareAndSet(last, now)) {
            log.warn("cluster {}: retry budget spent ({}% of {} requests in flight, floor {}/s); {} retries refused "
                    + "since the last report", cluster, percent, active.get(), minPerSecond,
                    unloggedDenials.getAndSet(0));
        }
    }
}
