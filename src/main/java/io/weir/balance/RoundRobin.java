package io.weir.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin (nginx's algorithm): for weights 5,1,1 the order is a a b a c a a, so a
 * heavy host's turns are spread out instead of bunched. The order is computed once per snapshot into a
 * table that an atomic cursor walks, so a pick takes no lock and allocates nothing.
 */
public final class RoundRobin<H extends Host> implements LoadBalancer<H> {

    /** Above this many slots the weights are scaled down; the order stays smooth, shares stay within 0.1%. */
    static final int MAX_TABLE = 1 << 16;

    private final List<H> hosts;
    private final int[] order;
    private final AtomicInteger cursor;

    private RoundRobin(List<H> hosts, int[] order, int start) {
        this.hosts = hosts;
        this.order = order;
        this.cursor = new AtomicInteger(start);
    }

    public static LoadBalancerFactory factory() {
        return RoundRobin::of;
    }

    public static <H extends Host> RoundRobin<H> of(List<H> hosts) {
        List<H> copy = List.copyOf(hosts);
        return new RoundRobin<>(copy, smoothOrder(weightsOf(copy)), 0);
    }

    private static int[] weightsOf(List<? extends Host> hosts) {
        int[] w = new int[hosts.size()];
        long total = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(1, hosts.get(i).weight());
            total += w[i];
        }
        if (total > MAX_TABLE) {
            double scale = (double) MAX_TABLE / total;
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(1, (int) Math.round(w[i] * scale));
            }
        }
        return w;
    }

    static int[] smoothOrder(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int[] order = new int[total];
        int[] current = new int[weights.length];
        for (int slot = 0; slot < total; slot++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[slot] = best;
        }
        return order;
    }

    @Override
    public H pick(PickContext ctx) {
        int n = order.length;
        if (n == 0) {
            return null;
        }
        H fallback = null;
        // Bounded scan: at most one lap of the table, so a pool with every host down costs O(table).
        for (int tries = 0; tries < n; tries++) {
            H host = hosts.get(order[Math.floorMod(cursor.getAndIncrement(), n)]);
            if (!host.isAvailable()) {
                continue;
            }
            if (host != ctx.avoid()) {
                return host;
            }
            fallback = host;
            if (hosts.size() == 1) {
                break;
            }
        }
        return fallback;
    }
}
