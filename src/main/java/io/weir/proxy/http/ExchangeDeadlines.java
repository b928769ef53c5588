package io.weir.proxy.http;

import io.weir.runtime.LoopClock;

/**
 * The deadlines one exchange runs under, as absolute {@code LoopClock.nanoTime} values (0 = not running),
 * all served by the connection's one {@link Deadline}, armed for whichever comes first:
 * <ul>
 *   <li>route: the route's {@code timeout}, for the whole request, retries included;</li>
 *   <li>upstream: the cluster's {@code upstream_timeout}, from the request sent to the response head;</li>
 *   <li>try: the route's {@code per_try_timeout}, from a try's start to its response head.</li>
 * </ul>
 */
final class ExchangeDeadlines {

    enum Expired { NONE, ROUTE, UPSTREAM, TRY }

    private final Deadline timer;
    private long route;
    private long upstream;
    private long attempt;

    ExchangeDeadlines(Deadline timer) {
        this.timer = timer;
    }

    void startRoute(long atNanos) {
        route = atNanos;
        arm();
    }

    void startUpstream(long afterNanos) {
        upstream = LoopClock.nanoTime() + afterNanos;
        arm();
    }

    void startTry(long afterNanos) {
        attempt = LoopClock.nanoTime() + afterNanos;
        arm();
    }

    /** The response head arrived, or a try ended: only the route's deadline keeps running. */
    void endTry() {
        upstream = 0;
        attempt = 0;
        arm();
    }

    void disarm() {
        timer.disarm();
    }

    /** Which deadline has passed, the route's first; when none has (a late tick), re-arms and says NONE. */
    Expired expired() {
        long now = LoopClock.nanoTime();
        if (route != 0 && now - route >= 0) {
            return Expired.ROUTE;
        } else if (upstream != 0 && now - upstream >= 0) {
            return Expired.UPSTREAM;
        } else if (attempt != 0 && now - attempt >= 0) {
            return Expired.TRY;
        }
        arm();
        return Expired.NONE;
    }

    private void arm() {
        long next = earliest(route, earliest(upstream, attempt));
        if (next == 0) {
            timer.disarm();
        } else {
            timer.armAt(next);
        }
    }

    private static long earliest(long a, long b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }
}
