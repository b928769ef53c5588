/**
 * Load balancing: which upstream host takes the next request or connection. Pure Java, nothing of
 * Netty or of the rest of Weir, deterministic under an injected clock and seed.
 *
 * <p><b>Shape.</b> A {@link io.weir.balance.LoadBalancerFactory} (one per cluster, from
 * {@link io.weir.balance.LoadBalancers#factory}) builds an immutable {@link io.weir.balance.LoadBalancer}
 * snapshot per host set; the cluster swaps snapshots on membership or weight changes. Picks read the
 * hosts' live figures ({@code isAvailable}, {@code outstanding}, {@code latency}) through
 * {@link io.weir.balance.Host}, take no lock and, for round robin, least connections, power of two and
 * Maglev, allocate nothing (see docs/benchmarks-balance.md).
 *
 * <p><b>Randomness.</b> Random-based policies draw from a per-snapshot SplitMix64 over an atomic counter
 * ({@code SeededRandom}): lock-free, seedable, so a test replays, and seeded per Weir node so a fleet does
 * not pick in lock step. Round-robin cursors start at a seeded offset for the same reason.
 *
 * <p><b>Weights.</b> Every policy is built from hosts plus a weight array ({@code WeightedFactory}), the
 * configured weights normally, the ramped ones under {@link io.weir.balance.SlowStart}.
 *
 * <p><b>Hashing.</b> {@link io.weir.balance.Hashing#hash64(CharSequence)} (xxHash64) is the one hash of
 * keys and of host ids, so every node builds the same ring and table and puts a key in the same place.
 *
 * <p>docs/algorithms.md says which policy to choose, with simulator evidence.
 */
package io.weir.balance;
