package io.weir.balance;

import java.util.List;

/**
 * Fewest outstanding requests (or connections) relative to weight: host a beats b when
 * {@code outstanding(a) / weight(a) < outstanding(b) / weight(b)}.
 *
 * <p>Ties are broken in rotation, not by position: the scan starts at the host a smooth weighted
 * rotation names and only a strictly better host displaces it. On an idle pool (all counts equal)
 * this degenerates into weighted round robin, so shares still follow weights, and the first host in
 * the list is not flooded whenever loads tie.
 *
 * <p>Cost: one scan of the hosts per pick (O(n), no allocation). That is cheap up to a few hundred
 * hosts; above that, {@link PowerOfTwo} gets nearly the same balance in O(1).
 */
public final class LeastConnections<H extends Host> implements LoadBalancer<H> {

    static final WeightedFactory WEIGHTED = new WeightedFactory() {
        @Override
        public <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights) {
            return new LeastConnections<>(hosts, weights, 0);
        }
    };

    private final List<H> hosts;
    private final double[] weights;
    private final Rotation rotation;

    /** @param start where the tie-breaking rotation begins (a seed: each Weir node differs) */
    LeastConnections(List<H> hosts, double[] weights, long start) {
        Weights.check(hosts, weights);
        this.hosts = List.copyOf(hosts);
        this.weights = weights.clone();
        this.rotation = new Rotation(weights, start);
    }

    static WeightedFactory weighted(Seeds seeds) {
        return new WeightedFactory() {
            @Override
            public <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights) {
                return new LeastConnections<>(hosts, weights, seeds.next());
            }
        };
    }

    public static LoadBalancerFactory factory() {
        return WEIGHTED.withConfiguredWeights();
    }

    public static <H extends Host> LeastConnections<H> of(List<H> hosts) {
        List<H> copy = List.copyOf(hosts);
        return new LeastConnections<>(copy, Weights.configured(copy), 0);
    }

    @Override
    public H pick(PickContext ctx) {
        int n = hosts.size();
        if (n == 0) {
            return null;
        }
        Host avoid = ctx.avoid();
        int start = rotation.next();
        int best = -1;
        long bestLoad = 0;
        int avoided = -1;
        for (int k = 0; k < n; k++) {
            int i = start + k;
            if (i >= n) {
                i -= n;
            }
            H host = hosts.get(i);
            if (!host.isAvailable()) {
                continue;
            }
            if (host == avoid) {
                avoided = i;
                continue;
            }
            long load = host.outstanding();
            // load/w < bestLoad/bestW, multiplied out: no division, exact for integer weights.
            if (best < 0 || load * weights[best] < bestLoad * weights[i]) {
                best = i;
                bestLoad = load;
            }
        }
        if (best < 0) {
            best = avoided;
        }
        return best < 0 ? null : hosts.get(best);
    }
}
