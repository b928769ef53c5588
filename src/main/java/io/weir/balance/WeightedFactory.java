package io.weir.balance;

import java.util.List;

/**
 * Builds a snapshot from hosts and the weights to use for them, which are the configured weights
 * except while {@link SlowStart} ramps a host up. Package-private: the public way in is
 * {@link LoadBalancerFactory}, through {@link LoadBalancers}.
 */
interface WeightedFactory {

    /** {@code weights[i]} (positive, maybe fractional) belongs to {@code hosts.get(i)}. */
    <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights);

    /** This factory fed with each host's configured weight. */
    default LoadBalancerFactory withConfiguredWeights() {
        WeightedFactory self = this;
        return new LoadBalancerFactory() {
            @Override
            public <H extends Host> LoadBalancer<H> create(List<H> hosts) {
                List<H> copy = List.copyOf(hosts);
                return self.create(copy, Weights.configured(copy));
            }
        };
    }
}
