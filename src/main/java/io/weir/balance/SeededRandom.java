package io.weir.balance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The random source of one balancer snapshot: SplitMix64 over an atomic Weyl counter. Each draw is a
 * single {@code getAndAdd} (never a retry loop, never a lock, no allocation), so it is safe from every
 * event loop at once, and a fixed seed replays the same sequence in a single-threaded test.
 * Production seeds differ per Weir node (and per snapshot) so a fleet does not pick in lock step.
 *
 * <p>Why not {@code ThreadLocalRandom}: it cannot be seeded, and tests must be deterministic. The
 * shared counter costs one contended cache line, the same as round robin's cursor.
 */
final class SeededRandom {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final AtomicLong state;

    SeededRandom(long seed) {
        this.state = new AtomicLong(Hashing.mix64(seed));
    }

    long nextLong() {
        return Hashing.mix64(state.getAndAdd(GOLDEN) + GOLDEN);
    }

    /** Uniform in [0, 1) with 53 bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound); Lemire's multiply-shift, bias below 2^-32 for the bounds we use. */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }
}
