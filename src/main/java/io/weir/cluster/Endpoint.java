package io.weir.cluster;

import io.weir.balance.Host;
import io.weir.balance.PeakEwma;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream server of a cluster, with its live figures. The proxies count requests on it; the
 * balancer reads the counts. Health state arrives from checkers through {@link #setState}.
 */
public final class Endpoint implements Host {

    private final String id;
    private final InetSocketAddress address;
    private final int weight;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final PeakEwma latency;
    private volatile EndpointState state = EndpointState.HEALTHY;
    /** Kept apart from {@link #state}: a health check that passes must not undo an operator's drain. */
    private volatile boolean draining;
    /** Endpoints present when the cluster starts are not ramped: they have been "available since long ago". */
    private volatile long availableSinceNanos = Long.MIN_VALUE;

    public Endpoint(String id, InetSocketAddress address, int weight, PeakEwma latency) {
        this.id = id;
        this.address = address;
        this.weight = weight;
        this.latency = latency;
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
        return state == EndpointState.HEALTHY && weight > 0 && !draining;
    }

    /** Takes no new requests from now on; those in flight finish (see {@code Cluster.drain}). */
    public void drain() {
        draining = true;
    }

    /** Takes requests again after {@link #drain}, ramped by slow start like an endpoint that came back. */
    public void undrain() {
        if (draining) {
            availableSinceNanos = System.nanoTime();
            draining = false;
        }
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

    public EndpointState state() {
        return state;
    }

    public void setState(EndpointState next) {
        EndpointState prev = state;
        state = next;
        if (next == EndpointState.HEALTHY && prev != EndpointState.HEALTHY) {
            availableSinceNanos = System.nanoTime();
        }
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
        }
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
