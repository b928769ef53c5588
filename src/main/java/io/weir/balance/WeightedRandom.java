package io.weir.balance;

import java.util.List;

/**
 * A host drawn at random in proportion to its weight (alias method: O(1) per pick, whatever the pool
 * size). Stateless between picks, so it is the policy of choice when many independent balancers (a
 * fleet of Weir nodes) must not pick in lock step; it ignores load, so a slow host keeps its share.
 */
public final class WeightedRandom<H extends Host> implements LoadBalancer<H> {

    private final List<H> hosts;
    private final AliasTable table;
    private final SeededRandom random;

    WeightedRandom(List<H> hosts, double[] weights, long seed) {
        Weights.check(hosts, weights);
        this.hosts = List.copyOf(hosts);
        this.table = new AliasTable(weights);
        this.random = new SeededRandom(seed);
    }

    static WeightedFactory weighted(Seeds seeds) {
        return new WeightedFactory() {
            @Override
            public <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights) {
                return new WeightedRandom<>(hosts, weights, seeds.next());
            }
        };
    }

    public static <H extends Host> WeightedRandom<H> of(List<H> hosts, long seed) {
        List<H> copy = List.copyOf(hosts);
        return new WeightedRandom<>(copy, Weights.configured(copy), seed);
    }

    @Override
    public H pick(PickContext ctx) {
        if (hosts.isEmpty()) {
            return null;
        }
        int i = RandomDraw.usable(hosts, table, random, ctx.avoid(), -1);
        return i >= 0 ? hosts.get(i) : RandomDraw.avoidedFallback(hosts, ctx.avoid());
    }
}
