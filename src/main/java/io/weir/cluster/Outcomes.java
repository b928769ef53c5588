package io.weir.cluster;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What real traffic says about one endpoint: the proxies report each upstream answer or failure here from
 * any event loop, without locks; outlier detection reads the counts. A streak of failures reaching the
 * threshold is reported to the {@link Observer} once, at once, rather than at the next periodic sweep.
 */
public final class Outcomes {

    /** Hears when consecutive failures reach the threshold. Called on the event loop that saw the last one. */
    @FunctionalInterface
    public interface Observer {
        void consecutiveFailures(int count, String lastReason);
    }

    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile Observer observer;
    private volatile int threshold = Integer.MAX_VALUE;

    /** Installs outlier detection for this endpoint. */
    public void observe(int consecutiveThreshold, Observer o) {
        this.observer = o;
        this.threshold = consecutiveThreshold;
    }

    /** The upstream answered with {@code status}: 5xx counts as a failure, anything else as a success. */
    public void status(int status) {
        if (status >= 500) {
            failure("status " + status);
        } else {
            success();
        }
    }

    public void success() {
        successes.increment();
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** A 5xx or a gateway failure (refused, reset, timeout); {@code reason} says which, for the log. */
    public void failure(String reason) {
        failures.increment();
        int n = consecutiveFailures.incrementAndGet();
        Observer o = observer;
        // == rather than >=: a streak is reported once, however long it grows.
        if (n == threshold && o != null) {
            o.consecutiveFailures(n, reason);
        }
    }

    /** Starts a new streak, e.g. after an ejection. */
    public void resetStreak() {
        consecutiveFailures.set(0);
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** Successes and failures since the last call: the window success-rate detection judges. */
    public Window takeWindow() {
        return new Window(successes.sumThenReset(), failures.sumThenReset());
    }

    public record Window(long successes, long failures) {
        public long total() {
            return successes + failures;
        }

        public double successRate() {
            return total() == 0 ? 1.0 : (double) successes / total();
        }
    }
}
