package io.weir.cluster;

import io.weir.balance.LoadBalancer;
import io.weir.balance.LoadBalancerFactory;
import io.weir.balance.PickContext;
import io.weir.config.ClusterConfig;

import java.util.List;
import java.util.Optional;

/**
 * A named pool of endpoints and the balancer snapshot that picks among them. The snapshot is
 * immutable and swapped whole when membership or weights change, so {@link #pick} takes no lock.
 */
public final class Cluster {

    private final ClusterConfig config;
    private final LoadBalancerFactory balancerFactory;
    private final List<Endpoint> endpoints;
    private final HashOn hashOn;
    private final RetryBudget retryBudget;
    private volatile LoadBalancer<Endpoint> balancer;

    public Cluster(ClusterConfig config, List<Endpoint> endpoints, LoadBalancerFactory balancerFactory) {
        this.config = config;
        this.endpoints = List.copyOf(endpoints);
        this.balancerFactory = balancerFactory;
        this.hashOn = HashOn.parse(config.hashOn()).orElse(null);
        this.balancer = balancerFactory.create(this.endpoints);
        this.retryBudget = new RetryBudget(config.name(), config.retryBudget(), System::nanoTime);
    }

    public String name() {
        return config.name();
    }

    public ClusterConfig config() {
        return config;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** What requests are hashed on for this cluster's policy; null when it does not hash. */
    public HashOn hashOn() {
        return hashOn;
    }

    /** The cap on this cluster's retries, shared by every route that forwards here. */
    public RetryBudget retryBudget() {
        return retryBudget;
    }

    /** An available endpoint, preferring one other than {@code ctx.avoid()}; {@code null} when none is. */
    public Endpoint pick(PickContext ctx) {
        return balancer.pick(ctx);
    }

    /**
     * Stops new requests to {@code endpoint}; in-flight ones finish. Closing its idle and, after
     * {@code drain_timeout}, its busy upstream connections is the runtime's part ({@code Weir.drainEndpoint}),
     * because connections live on the event loops.
     */
    public void drain(Endpoint endpoint) {
        if (!endpoints.contains(endpoint)) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is not in cluster " + name());
        }
        endpoint.drain();
        rebuild();
    }

    /** Ends a {@link #drain}: the endpoint takes new requests again (through slow start, if configured). */
    public void undrain(Endpoint endpoint) {
        endpoint.undrain();
        rebuild();
    }

    /** The endpoint with this id ({@code host:port} as configured), if it is in this cluster. */
    public Optional<Endpoint> endpoint(String id) {
        return endpoints.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** Rebuilds the balancer snapshot, e.g. after endpoint states or weights changed. */
    public void rebuild() {
        balancer = balancerFactory.create(endpoints);
    }
}
