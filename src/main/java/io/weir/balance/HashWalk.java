package io.weir.balance;

import java.util.List;

/**
 * The walk shared by {@link RingHash} and {@link Maglev}: from the entry a key hashes to, take the
 * first host that is available, is not the one to avoid and, with bounded load, is under the cap.
 * Walking on (next ring point, next table slot) rather than re-hashing keeps a key's second choice
 * stable too, so when its host goes down the key lands on the same backup every time.
 */
final class HashWalk {

    private HashWalk() {
    }

    /**
     * @param entries host position per ring point or table slot
     * @param start   where the key landed
     * @param cap     the most outstanding requests a host may hold after this pick; Long.MAX_VALUE = no bound
     */
    static <H extends Host> H walk(List<H> hosts, int[] entries, int start, Host avoid, long cap) {
        int len = entries.length;
        H avoided = null;
        H firstUsable = null;
        int last = -1;
        for (int k = 0, e = start; k < len; k++, e = e + 1 == len ? 0 : e + 1) {
            int i = entries[e];
            if (i == last) {
                continue; // runs of one host's points: judged once
            }
            last = i;
            H host = hosts.get(i);
            if (!host.isAvailable()) {
                continue;
            }
            if (host == avoid) {
                avoided = host;
                continue;
            }
            if (cap == Long.MAX_VALUE || host.outstanding() < cap) {
                return host;
            }
            if (firstUsable == null) {
                firstUsable = host;
            }
        }
        // Only reachable with the avoided host as the sole one under the cap, or with nothing else up.
        return firstUsable != null ? firstUsable : avoided;
    }
}
