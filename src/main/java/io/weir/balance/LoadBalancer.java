package io.weir.balance;

/**
 * Picks a host for one request or connection. An instance is an immutable snapshot of a host set,
 * built by a {@link LoadBalancerFactory} when membership or weights change; {@link #pick} takes no
 * lock and is called concurrently from every event loop.
 */
public interface LoadBalancer<H extends Host> {

    /** A host that is available and, where possible, not {@code ctx.avoid()}; {@code null} when none is. */
    H pick(PickContext ctx);
}
