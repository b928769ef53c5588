package io.weir.balance;

import java.util.List;

/**
 * Power of two choices (Mitzenmacher): draw two distinct hosts by weight, send to the one with less
 * outstanding work per unit of weight. Two random choices instead of one cut the worst host's excess
 * load from O(log n / log log n) to O(log log n), at O(1) cost and without the herd behaviour of a
 * global least-connections scan (every balancer rushing to the same idle host).
 *
 * <p>On a tie the first draw wins, so an idle pool gets exactly weighted-random shares.
 */
public final class PowerOfTwo<H extends Host> implements LoadBalancer<H> {

    private final List<H> hosts;
    private final double[] weights;
    private final AliasTable table;
    private final SeededRandom random;

    PowerOfTwo(List<H> hosts, double[] weights, long seed) {
        Weights.check(hosts, weights);
        this.hosts = List.copyOf(hosts);
        this.weights = weights.clone();
        this.table = new AliasTable(weights);
        this.random = new SeededRandom(seed);
    }

    static WeightedFactory weighted(Seeds seeds) {
        return new WeightedFactory() {
            @Override
            public <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights) {
                return new PowerOfTwo<>(hosts, weights, seeds.next());
            }
        };
    }

    public static <H extends Host> PowerOfTwo<H> of(List<H> hosts, long seed) {
        List<H> copy = List.copyOf(hosts);
        return new PowerOfTwo<>(copy, Weights.configured(copy), seed);
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
        long loadA = hosts.get(a).outstanding();
        long loadB = hosts.get(b).outstanding();
        // loadB/wB < loadA/wA, multiplied out.
        return loadB * weights[a] < loadA * weights[b] ? hosts.get(b) : hosts.get(a);
    }
}
