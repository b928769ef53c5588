package io.weir.balance;

import java.util.List;

/** The draw shared by the random-based policies: a weighted host that is usable for this pick. */
final class RandomDraw {

    /** Weighted tries before falling back to a scan; with most hosts up the first try wins. */
    private static final int TRIES = 8;

    private RandomDraw() {
    }

    /**
     * A position of an available host that is neither {@code avoid} nor {@code exclude}, drawn by
     * weight; after a few misses (most of the pool down) the first usable host from a random start,
     * which keeps the pick bounded. -1 when there is none.
     */
    static int usable(List<? extends Host> hosts, AliasTable table, SeededRandom random, Host avoid, int exclude) {
        for (int t = 0; t < TRIES; t++) {
            int i = table.sample(random);
            if (i != exclude && isUsable(hosts.get(i), avoid)) {
                return i;
            }
        }
        int n = hosts.size();
        int start = random.nextInt(n);
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (i != exclude && isUsable(hosts.get(i), avoid)) {
                return i;
            }
        }
        return -1;
    }

    /** The avoided host when it is the only one available; null otherwise. */
    static <H extends Host> H avoidedFallback(List<H> hosts, Host avoid) {
        if (avoid == null || !avoid.isAvailable()) {
            return null;
        }
        for (H host : hosts) {
            if (host == avoid) {
                return host;
            }
        }
        return null;
    }

    private static boolean isUsable(Host host, Host avoid) {
        return host != avoid && host.isAvailable();
    }
}
