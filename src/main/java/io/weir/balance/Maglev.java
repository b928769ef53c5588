package io.weir.balance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016) with Envoy's weighting: every host walks its
 * own permutation of a prime-sized lookup table ({@code offset = h1(id) mod M},
 * {@code skip = h2(id) mod (M - 1) + 1}) and the hosts take turns claiming their next free slot, a
 * host of half the largest weight taking every second turn. A key then costs one table read.
 *
 * <p>The table size M must be prime (so every permutation covers the table) and exceed 100 × hosts:
 * below that, rounding makes shares uneven by more than 1%. Hosts are sorted by id, so every Weir node
 * builds the same table for the same set. Removing a host moves its own keys plus a little more
 * (a few % of the table at most), less stable than {@link RingHash} but far more even and faster.
 *
 * <p>A pick without a hash falls back to round robin. Unavailable or avoided hosts pass the key on to
 * the next slots of the table, whose owners are spread at random, so a dead host's keys spread over
 * the pool instead of landing on one neighbour; likewise for a host at its {@link BoundedLoad} cap.
 */
public final class Maglev<H extends Host> implements LoadBalancer<H> {

    public static final int DEFAULT_TABLE_SIZE = 65537;
    /** The table must exceed this many slots per host. */
    public static final int MIN_SLOTS_PER_HOST = 100;

    private final List<H> hosts;
    private final int[] table;
    private final double balanceFactor;
    private final RoundRobin<H> noHash;

    Maglev(List<H> hosts, double[] weights, int tableSize, double balanceFactor, long fallbackStart) {
        Weights.check(hosts, weights);
        validateTableSize(tableSize, hosts.size());
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
        this.table = hosts.isEmpty() ? new int[0] : build(this.hosts, sortedWeights, tableSize);
    }

    static WeightedFactory weighted(int tableSize, double balanceFactor, Seeds seeds) {
        return new WeightedFactory() {
            @Override
            public <H extends Host> LoadBalancer<H> create(List<H> hosts, double[] weights) {
                return new Maglev<>(hosts, weights, fittedTableSize(tableSize, hosts.size()), balanceFactor, seeds.next());
            }
        };
    }

    public static <H extends Host> Maglev<H> of(List<H> hosts, int tableSize, double balanceFactor) {
        List<H> copy = List.copyOf(hosts);
        return new Maglev<>(copy, Weights.configured(copy), tableSize, balanceFactor, 0);
    }

    public static <H extends Host> Maglev<H> of(List<H> hosts) {
        return of(hosts, DEFAULT_TABLE_SIZE, BoundedLoad.OFF);
    }

    /** Throws unless {@code size} is prime and exceeds {@value #MIN_SLOTS_PER_HOST} × hosts. */
    public static void validateTableSize(int size, int hosts) {
        if (!isPrime(size)) {
            throw new IllegalArgumentException("maglev table size must be prime: " + size);
        }
        if ((long) size <= (long) MIN_SLOTS_PER_HOST * hosts) {
            throw new IllegalArgumentException("maglev table size " + size + " must exceed "
                    + MIN_SLOTS_PER_HOST + " x " + hosts + " hosts; use a prime above "
                    + (long) MIN_SLOTS_PER_HOST * hosts);
        }
    }

    /**
     * The configured size, or the smallest prime above 100 × hosts when the pool outgrew it: a pool
     * that grows at run time keeps Maglev's evenness instead of failing the snapshot rebuild.
     */
    static int fittedTableSize(int configured, int hosts) {
        long needed = (long) MIN_SLOTS_PER_HOST * hosts;
        if (configured > needed) {
            return configured;
        }
        int p = (int) needed + 1;
        while (!isPrime(p)) {
            p++;
        }
        return p;
    }

    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0) {
            return n == 2;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    private static int[] build(List<? extends Host> hosts, double[] weights, int m) {
        int n = hosts.size();
        long[] next = new long[n];
        long[] skip = new long[n];
        double[] target = new double[n];
        double maxWeight = 0;
        for (int i = 0; i < n; i++) {
            String id = hosts.get(i).id();
            next[i] = Long.remainderUnsigned(Hashing.hash64(id, 0x4D61676CL), m);
            skip[i] = Long.remainderUnsigned(Hashing.hash64(id, 0x65764D61L), m - 1) + 1;
            maxWeight = Math.max(maxWeight, weights[i]);
        }
        int[] table = new int[m];
        Arrays.fill(table, -1);
        int filled = 0;
        for (long turn = 1; filled < m; turn++) {
            for (int i = 0; i < n && filled < m; i++) {
                // A host of weight maxWeight / k claims a slot every k-th turn.
                if (turn * weights[i] < target[i]) {
                    continue;
                }
                target[i] += maxWeight;
                long c = next[i];
                while (table[(int) c] >= 0) {
                    c += skip[i];
                    if (c >= m) {
                        c -= m;
                    }
                }
                table[(int) c] = i;
                c += skip[i];
                next[i] = c >= m ? c - m : c;
                filled++;
            }
        }
        return table;
    }

    @Override
    public H pick(PickContext ctx) {
        if (table.length == 0) {
            return null;
        }
        if (!ctx.hasHash()) {
            return noHash.pick(ctx);
        }
        int slot = (int) Long.remainderUnsigned(ctx.hash(), table.length);
        return HashWalk.walk(hosts, table, slot, ctx.avoid(), BoundedLoad.cap(hosts, balanceFactor));
    }

    /** Slots per host position (hosts in id order); for tests. */
    int[] slotCounts() {
        int[] counts = new int[hosts.size()];
        for (int i : table) {
            counts[i]++;
        }
        return counts;
    }

    /** The table as host ids; for tests comparing two builds. */
    List<String> tableIds() {
        List<String> ids = new ArrayList<>(table.length);
        for (int i : table) {
            ids.add(hosts.get(i).id());
        }
        return ids;
    }
}
