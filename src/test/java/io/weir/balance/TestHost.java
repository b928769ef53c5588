package io.weir.balance;

import java.util.ArrayList;
import java.util.List;

/** A host whose state a test sets by hand. */
class TestHost implements Host {

    final String id;
    int weight;
    volatile boolean available = true;
    volatile int outstanding;
    volatile long availableSince = Long.MIN_VALUE;
    PeakEwma latency = new PeakEwma();

    TestHost(String id, int weight) {
        this.id = id;
        this.weight = weight;
    }

    /** Hosts h0, h1, … with the given weights. */
    static List<TestHost> weighted(int... weights) {
        List<TestHost> hosts = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            hosts.add(new TestHost("h" + i, weights[i]));
        }
        return hosts;
    }

    /** n hosts of weight 1 with ids like 10.0.0.7:8080. */
    static List<TestHost> many(int n) {
        List<TestHost> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hosts.add(new TestHost("10.0." + (i / 250) + "." + (i % 250) + ":8080", 1));
        }
        return hosts;
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
