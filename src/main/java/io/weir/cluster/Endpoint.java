package io.weir.cluster;

import io.weir.balance.Host;
import io.weir.balance.PeakEwma;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream server of a cluster, with its live figures. The proxies count requests on it; the
 * balancer reads the counts. Its state has three independent sources, so one cannot undo another:
 * {@link #setState} (draining, the operator), {@link #setPassingChecks} (active health checks) and
 * {@link #setEjected} (outlier detection); {@link #state()} combines them.
 */
public final class Endpoint implements Host {

    private final String id;
    private final InetSocketAddress address;
    private final int weight;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final PeakEwma latency;
    private final int maxConnections;
    private volatile EndpointState state = EndpointState.HEALTHY;
    private volatile boolean passingChecks = true;
    private volatile boolean ejected;
    /** Written under the monitor, read by metrics from anywhere. */
    private volatile long ejections;
    private final Outcomes outcomes = new Outcomes();
    /** Kept apart from {@link #state}: a health check that passes must not undo an operator's drain. */
    private volatile boolean draining;
    private volatile long drainingSinceNanos;
    /** Endpoints present when the cluster starts are not ramped: they have been "available since long ago". */
    private volatile long availableSinceNanos = Long.MIN_VALUE;
    private final LatencyHistogram histogram = new LatencyHistogram();
    private volatile StateChange lastChange = new StateChange(EndpointState.HEALTHY, "starting state",
            System.currentTimeMillis());
    private volatile StateListener stateListener;

    /** Told of every change of {@link #state()}, while the endpoint's monitor is held: keep it short. */
    @FunctionalInterface
    public interface StateListener {
        void changed(Endpoint endpoint, EndpointState from, StateChange change);
    }

    public Endpoint(String id, InetSocketAddress address, int weight, PeakEwma latency) {
        this(id, address, weight, latency, 0);
    }

    /** @param maxConnections requests or connections in flight at once; at the limit pickers skip it; 0 = none */
    public Endpoint(String id, InetSocketAddress address, int weight, PeakEwma latency, int maxConnections) {
        this.id = id;
        this.address = address;
        this.weight = weight;
        this.latency = latency;
        this.maxConnections = maxConnections;
    }

    @Override
    public String id() {
        return id;
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public boolean isAvailable() {
        return weight > 0 && state() == EndpointState.HEALTHY
                && (maxConnections == 0 || outstanding.get() < maxConnections);
    }

    /** Takes no new requests from now on; those in flight finish (see {@code Cluster.drain}). */
    public synchronized void drain() {
        EndpointState before = state();
        if (!draining) {
            drainingSinceNanos = System.nanoTime();
        }
        draining = true;
        noteAvailability(before, "drained: no new requests, those in flight finish");
    }

    /** When the current drain began ({@link System#nanoTime}); meaningless while not draining. */
    public long drainingSinceNanos() {
        return drainingSinceNanos;
    }

    /**
     * Whether the endpoint would be available were it not draining: weight above 0, checks passing, not
     * ejected. A draining endpoint that is still up keeps serving its existing sticky sessions.
     */
    public boolean isUpApartFromDrain() {
        return weight > 0 && state == EndpointState.HEALTHY && passingChecks && !ejected;
    }

    /** Takes requests again after {@link #drain}, ramped by slow start like an endpoint that came back. */
    public synchronized void undrain() {
        EndpointState before = state();
        draining = false;
        noteAvailability(before, "undrained");
    }

    /** Whether this endpoint takes no new requests by the operator's choice: drained, or weight 0. */
    public boolean isDraining() {
        return draining || weight == 0;
    }

    @Override
    public int outstanding() {
        return outstanding.get();
    }

    @Override
    public PeakEwma latency() {
        return latency;
    }

    @Override
    public long availableSinceNanos() {
        return availableSinceNanos;
    }

    /** The combined state: draining (or another state set by {@link #setState}) first, then checks, then ejection. */
    public EndpointState state() {
        if (draining) {
            return EndpointState.DRAINING;
        }
        EndpointState s = state;
        if (s != EndpointState.HEALTHY) {
            return s;
        }
        if (!passingChecks) {
            return EndpointState.UNHEALTHY;
        }
        return ejected ? EndpointState.EJECTED : EndpointState.HEALTHY;
    }

    public synchronized void setState(EndpointState next) {
        EndpointState before = state();
        state = next;
        noteAvailability(before, "set to " + next.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The active health checker's verdict. @return whether the combined state changed */
    public boolean setPassingChecks(boolean passing) {
        return setPassingChecks(passing, passing ? "health checks passing" : "health checks failing");
    }

    /** The active health checker's verdict and what it saw. @return whether the combined state changed */
    public synchronized boolean setPassingChecks(boolean passing, String reason) {
        EndpointState before = state();
        passingChecks = passing;
        return noteAvailability(before, reason);
    }

    /**
     * Takes over the health-check verdict of the endpoint this one replaces: the same address, rebuilt because its
     * weight or the cluster's balancer changed. Without it a failing endpoint would come back healthy, and take
     * traffic, until its checks failed again. Called before the endpoint is in service, so nothing is announced.
     */
    public synchronized void inheritHealth(Endpoint predecessor) {
        passingChecks = predecessor.passingChecks();
        lastChange = predecessor.lastChange();
    }

    /** Counts this endpoint as available from now: one added to a running cluster ramps up under slow start. */
    public void startRamp() {
        availableSinceNanos = System.nanoTime();
    }

    /** Whether the active health checker's last verdict was passing (true when nothing checks). */
    public boolean passingChecks() {
        return passingChecks;
    }

    /** Outlier detection's verdict. @return whether the combined state changed */
    public boolean setEjected(boolean isEjected) {
        return setEjected(isEjected, isEjected ? "ejected" : "re-admitted");
    }

    /** Outlier detection's verdict and its cause. @return whether the combined state changed */
    public synchronized boolean setEjected(boolean isEjected, String reason) {
        EndpointState before = state();
        if (isEjected && !ejected) {
            ejections++;
        }
        ejected = isEjected;
        return noteAvailability(before, reason);
    }

    /** Times outlier detection ejected this endpoint, since it was created: for metrics. */
    public long ejections() {
        return ejections;
    }

    public boolean isEjected() {
        return ejected;
    }

    /** Becoming healthy again starts slow start's ramp; a change is remembered with its reason and announced. */
    private boolean noteAvailability(EndpointState before, String reason) {
        EndpointState after = state();
        if (after == before) {
            return false;
        }
        if (after == EndpointState.HEALTHY) {
            availableSinceNanos = System.nanoTime();
        }
        StateChange change = new StateChange(after, reason, System.currentTimeMillis());
        lastChange = change;
        StateListener listener = stateListener;
        if (listener != null) {
            listener.changed(this, before, change);
        }
        return true;
    }

    /** The last change of {@link #state()}: what it became, why, since when. */
    public StateChange lastChange() {
        return lastChange;
    }

    /** Sets the one listener told of state changes (the runtime's recent-events ring); replaces any before. */
    public void onStateChange(StateListener listener) {
        this.stateListener = listener;
    }

    /**
     * Whether this endpoint belongs in the cluster's rotation at all, healthy or not: weight above 0 and
     * not draining. The panic threshold is a share of these, and panic mode balances across them.
     */
    public boolean isMember() {
        return weight > 0 && state == EndpointState.HEALTHY && !draining;
    }

    /** Successes and failures of real traffic on this endpoint, for outlier detection. */
    public Outcomes outcomes() {
        return outcomes;
    }

    /** A request (L7) or connection (L4) was placed on this endpoint. */
    public void requestStarted() {
        outstanding.incrementAndGet();
    }

    /** The request placed by {@link #requestStarted} ended after {@code latencyNanos}; negative = failed early. */
    public void requestEnded(long latencyNanos) {
        outstanding.decrementAndGet();
        if (latencyNanos >= 0) {
            latency.observe(latencyNanos);
            histogram.record(latencyNanos);
        } else {
            histogram.recordWithoutLatency();
        }
    }

    /** Latencies of the requests (L7) or connect times of the connections (L4) that ended here. */
    public LatencyHistogram histogram() {
        return histogram;
    }

    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    /** Upstream connections open to this endpoint, pooled or busy. */
    public int connections() {
        return connections.get();
    }

    @Override
    public String toString() {
        return id;
    }
}
