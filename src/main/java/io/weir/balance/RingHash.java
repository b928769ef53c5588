package io.weir.balance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ketama-style consistent hashing. Each host puts {@code round(weight × pointsPerWeight)} points on a
 * 64-bit ring at {@code Hashing.hash64(id + "_" + j)}; a key goes to the first point at or after its
 * hash. Hosts are sorted by id, so every Weir node builds the same ring for the same set.
 *
 * <p>Why points per unit of weight rather than a fixed ring size (Envoy's {@code min_ring_size}):
 * a host's points then depend on its own id and weight only, so adding a host moves keys only to that
 * host and removing one moves only that host's keys; with a ring size shared out among hosts, every
 * host's point count changes with membership and keys shuffle between unchanged hosts. The default
 * {@value #DEFAULT_POINTS_PER_WEIGHT} points per unit of weight keeps a host's share within about
 * ±6% (one standard deviation) of its weight. Weights multiply points, so keep them small (1–10):
 * a pool of weight-100 hosts would carry 25,600 points each. Above {@value #MAX_POINTS} points in all
 * the counts are scaled down (that gives up the property above, to bound memory: 12 bytes a point).
 *
 * <p>The low 20 bits of each point's hash are replaced by its owner's position in id order, which
 * orders coinciding points the same way on every node and stores the ring as two flat arrays.
 *
 * <p>A pick without a hash falls back to round robin. Unavailable or avoided hosts pass the key on
 * along the ring; so does a host at its {@link BoundedLoad} cap.
 */
public final class RingHash<H extends Host> implements LoadBalancer<H> {

    public static final int DEFAULT_POINTS_PER_WEIGHT = 256;
    static final int MAX_POINTS = 1 << 22;
    /** Low bits of a point that hold its owner's position: up to 2^20 hosts. */
    private static final long OWNER_MASK = (1L << 20) - 1;

    private final List<H> hosts;
    private final long[] points;
    private final int[] owners;
    private final double balanceFactor;
    private final RoundRobin<H> noHash;

    RingHash(List<H> hosts, double[] weights, int pointsPerWeight, double balanceFactor, long fallbackStart) {
        Weights.check(hosts, weights);
        if (pointsPerWeight < 1) {
            throw new IllegalArgumentException("ring points per weight must be >= 1: " + pointsPerWeight);
        }
        BoundedLoad.validate(balanceFactor);
        int[] order = Weights.byId(hosts);
        List<H> sorted = new ArrayList<>(order.length);
        double[] sortedWeights = new double[order.length];
        for (int k = 0; k < order.length; k++) {
            sorted.add(hosts.get(order[k]));
            sortedWeights[k] = weights[order[k]];
        }
        this.hosts = List.copyOf(sorted);
        this.balanceFactor = balanceFactor;
        this.noHash = new RoundRobin<>(this.hosts, sortedWeights, fallbackStart);

        int[] counts = pointCounts(sortedWeights, pointsPerWeight);
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        if (counts.length > OWNER_MASK + 1) {
            throw new IllegalArgumentException("ring hash supports at most " + (OWNER_MASK + 1) + " hosts");
        }
        // A point is its hash with the owner's position in the low bits: one primitive sort orders the
        // ring by position, ties by id order (so every node agrees), with no per-point objects.
        long[] packed = new long[total];
        StringBuilder name = new StringBuilder();
        int p = 0;
        for (int i = 0; i < counts.length; i++) {
            name.setLength(0);
            name.append(this.hosts.get(i).id()).append('_');
            int prefix = name.length();
            for (int j = 0; j < counts[i]; j++) {
                name.setLength(prefix);
                name.append(j);
                packed[p++] = (Hashing.hash64(name) & ~OWNER_MASK) | i;
            }
        }
        Arrays.sort(packed);
        this.points = packed;
        this.owners = new int[total];
        for (int k = 0; k < total; k++) {
            owners[k] = (int) (packed[k] & OWNER_MASK);
        }
    }

    static WeightedFactory weighted(int pointsPerWeight, double balanceFactor, Seeds seeds) {
        return new WeightedFactory() {
            @Override
            public <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights) {
                return new RingHash<>(hosts, weights, pointsPerWeight, balanceFactor, seeds.next());
            }
        };
    }

    public static <H extends Host> RingHash<H> of(List<H> hosts, int pointsPerWeight, double balanceFactor) {
        List<H> copy = List.copyOf(hosts);
        return new RingHash<>(copy, Weights.configured(copy), pointsPerWeight, balanceFactor, 0);
    }

    public static <H extends Host> RingHash<H> of(List<H> hosts) {
        return of(hosts, DEFAULT_POINTS_PER_WEIGHT, BoundedLoad.OFF);
    }

    private static int[] pointCounts(double[] weights, int perWeight) {
        double total = 0;
        for (double w : weights) {
            total += w * perWeight;
        }
        double scale = total > MAX_POINTS ? MAX_POINTS / total : 1;
        int[] counts = new int[weights.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (int) Math.max(1, Math.round(weights[i] * perWeight * scale));
        }
        return counts;
    }

    @Override
    public H pick(PickContext ctx) {
        if (points.length == 0) {
            return null;
        }
        if (!ctx.hasHash()) {
            return noHash.pick(ctx);
        }
        int at = Arrays.binarySearch(points, ctx.hash());
        if (at < 0) {
            at = -at - 1; // insertion point: first point above the hash
        }
        if (at == points.length) {
            at = 0;
        }
        return HashWalk.walk(hosts, owners, at, ctx.avoid(), BoundedLoad.cap(hosts, balanceFactor));
    }

    /** How many points the ring holds; for tests. */
    int points() {
        return points.length;
    }
}
