package io.weir.simulate;

import io.weir.balance.Host;
import io.weir.balance.PeakEwma;

/**
 * The balancer's view of one simulated server, kept as the proxy would keep it: requests sent and not
 * yet answered or given up on, latency observed on answers (a timeout counts as its timeout), and
 * availability as health checking would report it (here: at once).
 */
final class SimHost implements Host {

    private final String id;
    private final int weight;
    private final PeakEwma latency;
    boolean available = true;
    int outstanding;
    long availableSince = Long.MIN_VALUE;

    SimHost(String id, int weight, PeakEwma latency) {
        this.id = id;
        this.weight = weight;
        this.latency = latency;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    @Override
    public int outstanding() {
        return outstanding;
    }

    @Override
    public PeakEwma latency() {
        return latency;
    }

    @Override
    public long availableSinceNanos() {
        return availableSince;
    }

    @Override
    public String toString() {
        return id;
    }
}
