package io.weir.balance;

/**
 * What a load balancer needs to know about an endpoint. The {@code cluster} package implements it;
 * this package never sees sockets.
 */
public interface Host {

    /** Stable identity ("10.0.0.1:8080"). Hash tables are built from it, so every Weir node agrees. */
    String id();

    /** Configured weight, at least 1 for a host in a balancer snapshot (weight 0 means draining). */
    int weight();

    /** Whether the host may take a new request or connection right now (health, ejection, drain, limits). */
    boolean isAvailable();

    /** In-flight requests (L7) or open connections (L4) on this host. */
    int outstanding();

    /**
     * Latency figures fed by the proxy, read by latency-aware policies. Create it with
     * {@link LoadBalancers#latencyTracker} so it decays with the cluster's configured half-life.
     */
    PeakEwma latency();

    /**
     * When the host last became available, on the balancer's clock (nanoseconds); drives slow start.
     * {@code Long.MIN_VALUE} means "long ago": such a host never ramps (e.g. hosts present when the
     * cluster started).
     */
    long availableSinceNanos();
}
