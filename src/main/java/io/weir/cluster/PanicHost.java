package io.weir.cluster;

import io.weir.balance.Host;
import io.weir.balance.PeakEwma;

/**
 * An endpoint as a panicking cluster's balancer sees it: available whenever it is a member of the rotation
 * (weight above 0, not draining), whatever its health checks or ejection say. Everything else is the
 * endpoint's own, so hashing (by id), load and latency figures are unchanged.
 */
final class PanicHost implements Host {

    final Endpoint endpoint;

    PanicHost(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String id() {
        return endpoint.id();
    }

    @Override
    public int weight() {
        return endpoint.weight();
    }

    @Override
    public boolean isAvailable() {
        return endpoint.isMember();
    }

    @Override
    public int outstanding() {
        return endpoint.outstanding();
    }

    @Override
    public PeakEwma latency() {
        return endpoint.latency();
    }

    @Override
    public long availableSinceNanos() {
        return endpoint.availableSinceNanos();
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
