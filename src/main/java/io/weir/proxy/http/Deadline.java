package io.weir.proxy.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.weir.runtime.LoopClock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A re-armable timeout owned by one connection, checked on a coarse tick by its event loop. A scheduled
 * task per request costs a priority-queue insert and removal on the hot path; here arming and disarming
 * is a link in an intrusive list, and the loop sweeps the armed ones every {@link #TICK_NANOS}. Expiry
 * is therefore up to one tick late, which is fine for request and idle timeouts.
 *
 * <p>Only ever touched from its event loop.
 */
final class Deadline {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final EventExecutor loop;
    private final Runnable onExpiry;
    private long atNanos;
    private Deadline prev;
    private Deadline next;
    private boolean armed;
    /** Expired in the current sweep and not disarmed since: its callback still runs. */
    private boolean firing;
    /** Its loop's sweeper, looked up once: a thread-local lookup on every arm showed in request profiles. */
    private Sweeper sweeper;

    Deadline(EventExecutor loop, Runnable onExpiry) {
        this.loop = loop;
        this.onExpiry = onExpiry;
    }

    /** Fires {@code onExpiry} once, at or shortly after {@code afterNanos} from now, unless disarmed or re-armed. */
    void arm(long afterNanos) {
        armAt(LoopClock.nanoTime() + afterNanos);
    }

    /** As {@link #arm}, at the {@code LoopClock.nanoTime()} value {@code atNanos}. */
    void armAt(long atNanos) {
        firing = false;
        this.atNanos = atNanos;
        if (!armed) {
            sweeper().link(this);
        }
    }

    void disarm() {
        firing = false;
        if (armed) {
            sweeper().unlink(this);
        }
    }

    private Sweeper sweeper() {
        if (sweeper == null) {
            sweeper = Sweeper.of(loop);
        }
        return sweeper;
    }

    boolean armed() {
        return armed;
    }

    /** The armed deadlines of one event loop, swept on a fixed tick while any is armed. */
    private static final class Sweeper implements Runnable {
        private static final FastThreadLocal<Sweeper> PER_LOOP = new FastThreadLocal<>();

        private final EventExecutor loop;
        private final Deadline head = new Deadline(null, null);
        private final List<Deadline> expired = new ArrayList<>();
        private int size;
        private boolean ticking;

        private Sweeper(EventExecutor loop) {
            this.loop = loop;
            head.next = head;
            head.prev = head;
        }

        static Sweeper of(EventExecutor loop) {
            assert loop.inEventLoop();
            Sweeper s = PER_LOOP.get();
            if (s == null) {
                s = new Sweeper(loop);
                PER_LOOP.set(s);
            }
            return s;
        }

        void link(Deadline d) {
            d.prev = head.prev;
            d.next = head;
            head.prev.next = d;
            head.prev = d;
            d.armed = true;
            size++;
            if (!ticking) {
                ticking = true;
                loop.schedule(this, TICK_NANOS, TimeUnit.NANOSECONDS);
            }
        }

        void unlink(Deadline d) {
            d.prev.next = d.next;
            d.next.prev = d.prev;
            d.prev = null;
            d.next = null;
            d.armed = false;
            size--;
        }

        @Override
        public void run() {
            long now = LoopClock.nanoTime();
            for (Deadline d = head.next; d != head; d = d.next) {
                if (d.atNanos - now <= 0) {
                    expired.add(d);
                }
            }
            for (Deadline d : expired) {
                unlink(d);
                d.firing = true;
            }
            // Callbacks run after the sweep: they may arm and disarm deadlines, those expired now included.
            for (Deadline d : expired) {
                if (d.firing && !d.armed) {
                    d.firing = false;
                    d.onExpiry.run();
                }
            }
            expired.clear();
            if (size > 0) {
                loop.schedule(this, TICK_NANOS, TimeUnit.NANOSECONDS);
            } else {
                ticking = false;
            }
        }
    }
}
