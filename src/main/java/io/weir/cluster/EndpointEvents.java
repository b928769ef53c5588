package io.weir.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The most recent endpoint state changes of every cluster (health checks, ejections, drains), newest last,
 * in a bounded ring: the dashboard shows them, subscribers (metrics) count them. Changes are rare, so a
 * short lock is fine; nothing here runs per request.
 */
public final class EndpointEvents {

    /** One change of an endpoint's combined state. */
    public record Event(long atMillis, String cluster, String endpoint, EndpointState from, EndpointState to,
                        String reason) { }

    public static final int DEFAULT_CAPACITY = 100;

    private final Event[] ring;
    private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private long recorded;

    public EndpointEvents() {
        this(DEFAULT_CAPACITY);
    }

    public EndpointEvents(int capacity) {
        this.ring = new Event[capacity];
    }

    /** Records every state change of {@code cluster}'s endpoints from now on, under the cluster's name. */
    public void watch(Cluster cluster) {
        String name = cluster.name();
        for (Endpoint e : cluster.endpoints()) {
            e.onStateChange((endpoint, from, change) -> record(new Event(change.atMillis(), name, endpoint.id(),
                    from, change.state(), change.reason())));
        }
    }

    /** Called for each change from the thread that made it (an event loop, the admin API); must not block. */
    public void subscribe(Consumer<Event> subscriber) {
        subscribers.add(subscriber);
    }

    public void record(Event event) {
        synchronized (this) {
            ring[(int) (recorded % ring.length)] = event;
            recorded++;
        }
        for (Consumer<Event> s : subscribers) {
            s.accept(event);
        }
    }

    /** The last {@code max} (at most the capacity) events, oldest first. */
    public synchronized List<Event> recent(int max) {
        int n = (int) Math.min(Math.min(max, ring.length), recorded);
        List<Event> out = new ArrayList<>(n);
        for (long i = recorded - n; i < recorded; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return out;
    }
}
