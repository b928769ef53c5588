package io.weir.balance;

import java.util.function.LongSupplier;

/** The one place that turns a {@link BalancerSpec} into a factory of snapshots. */
public final class LoadBalancers {

    private LoadBalancers() {
    }

    /**
     * @param spec      the cluster's balancer settings
     * @param seed      this node's seed for the random-based policies (differ per Weir node)
     * @param nanoClock the balancer's clock: slow start, and least response time's median cache
     */
    public static LoadBalancerFactory factory(BalancerSpec spec, long seed, LongSupplier nanoClock) {
        Seeds seeds = new Seeds(seed);
        WeightedFactory weighted = switch (spec.policy()) {
            case ROUND_ROBIN -> RoundRobin.weighted(seeds);
            case LEAST_CONNECTIONS -> LeastConnections.weighted(seeds);
            case POWER_OF_TWO -> PowerOfTwo.weighted(seeds);
            case LEAST_RESPONSE_TIME -> LeastResponseTime.weighted(seeds, nanoClock);
            case RANDOM -> WeightedRandom.weighted(seeds);
            case RING_HASH -> RingHash.weighted(spec.ringSize(), spec.hashBalanceFactor(), seeds);
            case MAGLEV -> Maglev.weighted(spec.maglevTableSize(), spec.hashBalanceFactor(), seeds);
        };
        if (!spec.hasSlowStart()) {
            return weighted.withConfiguredWeights();
        }
        return new SlowStart(weighted, spec.slowStartWindow(), spec.slowStartAggression(),
                spec.slowStartMinWeightPercent(), nanoClock);
    }

    /**
     * The latency tracker a host should carry for this spec: a {@link PeakEwma} with the spec's
     * half-life on the given clock. The cluster creates one per endpoint and returns it from
     * {@link Host#latency()}.
     */
    public static PeakEwma latencyTracker(BalancerSpec spec, LongSupplier nanoClock) {
        return new PeakEwma(nanoClock, spec.lrtHalfLife());
    }
}
