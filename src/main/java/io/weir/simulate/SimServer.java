package io.weir.simulate;

import java.util.ArrayDeque;

/**
 * A backend: serves {@code capacity} requests at once, queues the rest in order. Service time is the
 * request's cost divided by the server's speed, or a pinned latency while the server is made slow.
 * A queued request whose client has given up is dropped unserved (the proxy reset the stream); one in
 * service runs to the end, wasted.
 */
final class SimServer {

    final String id;
    final SimHost host;
    private final int capacity;
    private final double baseSpeed;
    double slowFactor = 1;
    long pinnedNanos;
    boolean alive = true;
    int generation;
    int busy;
    int maxQueue;
    final ArrayDeque<SimRequest> queue = new ArrayDeque<>();

    SimServer(String id, SimHost host, int capacity, double speed) {
        this.id = id;
        this.host = host;
        this.capacity = capacity;
        this.baseSpeed = speed;
    }

    boolean isSlow() {
        return pinnedNanos > 0 || slowFactor != 1;
    }

    long serviceNanos(SimRequest r) {
        return pinnedNanos > 0 ? pinnedNanos : Math.max(1, Math.round(r.costNanos * slowFactor / baseSpeed));
    }

    /** True when the request starts service now; false when it waits. */
    boolean admit(SimRequest r) {
        if (busy < capacity) {
            busy++;
            return true;
        }
        queue.add(r);
        maxQueue = Math.max(maxQueue, queue.size());
        return false;
    }

    /** After a completion: the next queued request still wanted, which starts service now; or null. */
    SimRequest finishOne() {
        busy--;
        SimRequest next;
        while ((next = queue.poll()) != null) {
            if (next.state == SimRequest.State.PENDING) {
                busy++;
                return next;
            }
        }
        return null;
    }

    void restore() {
        slowFactor = 1;
        pinnedNanos = 0;
        alive = true;
    }
}
