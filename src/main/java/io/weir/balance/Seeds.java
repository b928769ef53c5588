package io.weir.balance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Seeds for the snapshots one factory builds: derived from the node's seed and a counter, so two
 * Weir nodes (different seeds) never draw in lock step, a rebuilt snapshot does not replay its
 * predecessor's draws, and a test with a fixed seed sees the same sequence every run.
 */
final class Seeds {

    private final long base;
    private final AtomicLong counter = new AtomicLong();

    Seeds(long base) {
        this.base = base;
    }

    long next() {
        return Hashing.mix64(base ^ Hashing.mix64(counter.incrementAndGet()));
    }
}
