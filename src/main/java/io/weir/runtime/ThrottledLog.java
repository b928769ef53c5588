package io.weir.runtime;

import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One kind of log line that traffic can repeat without bound (a line per failed request, per refused client, per
 * dropped datagram), limited to a few a second. During an outage or an attack those lines would otherwise come
 * thousands a second, costing the event loops CPU and filling disks, while saying nothing new after the first
 * few. What is not logged is counted, and at the end of each second that had any, one line says how many lines
 * of the kind were left out. The access logs still have every request and connection.
 *
 * <p>One instance per call site, shared by every event loop.
 */
public final class ThrottledLog {

    /** Lines per second a kind gets before the rest are counted instead of logged. */
    public static final int DEFAULT_PER_SECOND = 10;
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Runs {@code task} once, {@code afterNanos} from now, on some other thread. */
    interface Scheduler {
        void schedule(Runnable task, long afterNanos);
    }

    private static final Scheduler GLOBAL = (task, afterNanos) ->
            GlobalEventExecutor.INSTANCE.schedule(task, afterNanos, TimeUnit.NANOSECONDS);

    private final Logger log;
    private final Level level;
    private final String format;
    private final int perWindow;
    private final LongSupplier nanoClock;
    private final Scheduler scheduler;
    private long windowStart;
    private int loggedInWindow;
    private long suppressed;

    ThrottledLog(Logger log, Level level, String format, int perWindow, LongSupplier nanoClock, Scheduler scheduler) {
        this.log = log;
        this.level = level;
        this.format = format;
        this.perWindow = perWindow;
        this.nanoClock = nanoClock;
        this.scheduler = scheduler;
        this.windowStart = nanoClock.getAsLong() - WINDOW_NANOS;
    }

    /** Lines of {@code format} at WARN. */
    public static ThrottledLog warn(Logger log, String format) {
        return new ThrottledLog(log, Level.WARN, format, DEFAULT_PER_SECOND, System::nanoTime, GLOBAL);
    }

    /** Lines of {@code format} at INFO. */
    public static ThrottledLog info(Logger log, String format) {
        return new ThrottledLog(log, Level.INFO, format, DEFAULT_PER_SECOND, System::nanoTime, GLOBAL);
    }

    /** Logs one line of this kind with {@code args}, unless the kind has had its lines this second. */
    public void log(Object... args) {
        if (!log.isEnabledForLevel(level)) {
            return;
        }
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (now - windowStart >= WINDOW_NANOS) {
                windowStart = now;
                loggedInWindow = 0;
            }
            if (loggedInWindow >= perWindow) {
                if (suppressed++ == 0) {
                    scheduler.schedule(this::reportSuppressed, windowStart + WINDOW_NANOS - now);
                }
                return;
            }
            loggedInWindow++;
        }
        log.atLevel(level).log(format, args);
    }

    /** At the end of a second in which lines were left out: how many. */
    private void reportSuppressed() {
        long count;
        synchronized (this) {
            count = suppressed;
            suppressed = 0;
        }
        if (count > 0) {
            log.atLevel(level).log("{} more lines like \"{}\" were not logged in the last second (at most {} a "
                    + "second are)", count, format, perWindow);
        }
    }
}
