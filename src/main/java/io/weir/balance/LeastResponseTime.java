package io.weir.balance;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Finagle's and Linkerd's peak-EWMA balancer: two distinct hosts drawn by weight, the one with the
 * lower {@code latency × (outstanding + 1) / weight} wins. Latency is the host's {@link PeakEwma}
 * (peak-sensitive, decaying with the configured half-life), so a host that slows down is shunned after
 * one slow response, and the outstanding factor prices in the work already queued there.
 *
 * <p>A host with no latency sample yet is priced at the median of the sampled hosts rather than at zero:
 * zero would make a new host win every comparison and drown under a burst before its first response
 * returns. The median is recomputed at most every {@link #MEDIAN_REFRESH_NANOS}, and only when a pick
 * meets an unsampled host. When nothing at all is sampled, latency counts as 1, which leaves plain
 * least-outstanding.
 */
public final class LeastResponseTime<H extends Host> implements LoadBalancer<H> {

    static final long MEDIAN_REFRESH_NANOS = 100_000_000L;

    private final List<H> hosts;
    private final double[] weights;
    private final AliasTable table;
    private final SeededRandom random;
    private final LongSupplier nanoClock;
    private volatile long medianNanos = -1;
    private volatile long medianAtNanos;

    LeastResponseTime(List<H> hosts, double[] weights, long seed, LongSupplier nanoClock) {
        Weights.check(hosts, weights);
        this.hosts = List.copyOf(hosts);
        this.weights = weights.clone();
        this.table = new AliasTable(weights);
        this.random = new SeededRandom(seed);
        this.nanoClock = nanoClock;
    }

    static WeightedFactory weighted(Seeds seeds, LongSupplier nanoClock) {
        return new WeightedFactory() {
            @Override
            public <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights) {
                return new LeastResponseTime<>(hosts, weights, seeds.next(), nanoClock);
            }
        };
    }

    public static <H extends Host> LeastResponseTime<H> of(List<H> hosts, long seed, LongSupplier nanoClock) {
        List<H> copy = List.copyOf(hosts);
        return new LeastResponseTime<>(copy, Weights.configured(copy), seed, nanoClock);
    }

    @Override
    public H pick(PickContext ctx) {
        if (hosts.isEmpty()) {
            return null;
        }
        Host avoid = ctx.avoid();
        int a = RandomDraw.usable(hosts, table, random, avoid, -1);
        if (a < 0) {
            return RandomDraw.avoidedFallback(hosts, avoid);
        }
        if (hosts.size() == 1) {
            return hosts.get(a); // no second choice to draw
        }
        int b = RandomDraw.usable(hosts, table, random, avoid, a);
        if (b < 0) {
            return hosts.get(a);
        }
        return cost(b) < cost(a) ? hosts.get(b) : hosts.get(a);
    }

    private double cost(int i) {
        H host = hosts.get(i);
        PeakEwma ewma = host.latency();
        double latency = ewma != null && ewma.hasSamples() ? ewma.estimateNanos() : median();
        return Math.max(1, latency) * (host.outstanding() + 1) / weights[i];
    }

    /** Median estimate over sampled hosts, cached briefly; 1 when none is sampled. */
    private long median() {
        long now = nanoClock.getAsLong();
        long cached = medianNanos;
        if (cached >= 0 && now - medianAtNanos < MEDIAN_REFRESH_NANOS) {
            return cached;
        }
        long[] sampled = new long[hosts.size()];
        int n = 0;
        for (H host : hosts) {
            PeakEwma ewma = host.latency();
            if (ewma != null && ewma.hasSamples()) {
                sampled[n++] = ewma.estimateNanos();
            }
        }
        long median = 1;
        if (n > 0) {
            Arrays.sort(sampled, 0, n);
            median = Math.max(1, sampled[n / 2]);
        }
        // Two racing refreshes compute the same figure; the pair of writes need not be atomic.
        medianAtNanos = now;
        medianNanos = median;
        return median;
    }
}
