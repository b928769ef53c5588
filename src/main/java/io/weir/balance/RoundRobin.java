package io.weir.balance;

import java.util.List;

/**
 * Smooth weighted round robin (nginx's algorithm): for weights 5,1,1 the order is a a b a c a a, so a
 * heavy host's turns are spread out instead of bunched. The order is computed once per snapshot into a
 * table that an atomic cursor walks, so a pick takes no lock and allocates nothing.
 */
public final class RoundRobin<H extends Host> implements LoadBalancer<H> {

    static final WeightedFactory WEIGHTED = new WeightedFactory() {
        @Override
        public <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights) {
            return new RoundRobin<>(hosts, weights, 0);
        }
    };

    private final List<H> hosts;
    private final Rotation rotation;

    /** @param start where in the rotation this snapshot begins (a seed: each Weir node differs) */
    RoundRobin(List<H> hosts, double[] weights, long start) {
        Weights.check(hosts, weights);
        this.hosts = List.copyOf(hosts);
        this.rotation = new Rotation(weights, start);
    }

    static WeightedFactory weighted(Seeds seeds) {
        return new WeightedFactory() {
            @Override
            public <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights) {
                return new RoundRobin<>(hosts, weights, seeds.next());
            }
        };
    }

    public static LoadBalancerFactory factory() {
        return WEIGHTED.withConfiguredWeights();
    }

    public static <H extends Host> RoundRobin<H> of(List<H> hosts) {
        List<H> copy = List.copyOf(hosts);
        return new RoundRobin<>(copy, Weights.configured(copy), 0);
    }

    @Override
    public H pick(PickContext ctx) {
        int n = rotation.length();
        if (hosts.isEmpty()) {
            return null;
        }
        // Bounded scan: at most one lap of the table, so a pool with every host down costs O(table).
        for (int tries = 0; tries < n; tries++) {
            H host = hosts.get(rotation.next());
            if (host.isAvailable() && host != ctx.avoid()) {
                return host;
            }
            if (hosts.size() == 1) {
                break;
            }
        }
        // The cursor is shared by every event loop: while this pick stepped over unavailable (or avoided) hosts,
        // other picks may have taken each turn of the available ones, so one lap of steps is not one lap of the
        // table. The hosts themselves are the last word, and the avoided one is better than none.
        return firstAvailable(ctx);
    }

    private H firstAvailable(PickContext ctx) {
        for (H host : hosts) {
            if (host.isAvailable() && host != ctx.avoid()) {
                return host;
            }
        }
        return RandomDraw.avoidedFallback(hosts, ctx.avoid());
    }
}
