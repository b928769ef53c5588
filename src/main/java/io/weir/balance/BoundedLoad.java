package io.weir.balance;

import java.util.List;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam; Envoy's
 * {@code hash_balance_factor}): no host takes more than {@code ceil(factor × mean)} outstanding
 * requests, the mean taken over available hosts and counting the request being placed. A host at its
 * cap passes the key on to the next one on the ring or in table preference. Because the cap is at
 * least the mean, some host is always under it. Costs one pass over the hosts per pick, so it is off
 * unless configured.
 */
final class BoundedLoad {

    /** No bound. */
    static final double OFF = 0;

    private BoundedLoad() {
    }

    /** The cap for this pick, or Long.MAX_VALUE when {@code factor} is {@link #OFF}. */
    static long cap(List<? extends Host> hosts, double factor) {
        if (factor <= 0) {
            return Long.MAX_VALUE;
        }
        long total = 1;
        int available = 0;
        for (int i = 0, n = hosts.size(); i < n; i++) {
            Host host = hosts.get(i);
            if (host.isAvailable()) {
                total += host.outstanding();
                available++;
            }
        }
        if (available == 0) {
            return Long.MAX_VALUE;
        }
        return (long) Math.ceil(factor * total / available);
    }

    static void validate(double factor) {
        if (factor != OFF && !(factor >= 1)) {
            throw new IllegalArgumentException("hash balance factor must be >= 1 (or 0 for off): " + factor);
        }
    }
}
