package io.weir.cluster;

import io.weir.balance.Host;
import io.weir.balance.LoadBalancer;
import io.weir.balance.LoadBalancerFactory;
import io.weir.balance.PickContext;
import io.weir.config.ClusterConfig;
import io.weir.runtime.LoopClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named pool of endpoints and the balancer snapshot that picks among them. The snapshot is
 * immutable and swapped whole when membership, weights or health change, so {@link #pick} takes no lock.
 *
 * <p>Panic mode: when fewer than {@code panic_threshold} of the members are healthy, the snapshot balances
 * across every member, healthy or not. A health check that fails everywhere (too deep, or a shared
 * dependency down) then degrades to "no health checking" instead of a site-wide 503, and the few healthy
 * endpoints left are not buried under the whole load.
 */
public final class Cluster {

    private static final Logger log = LoggerFactory.getLogger(Cluster.class);

    private final ClusterConfig config;
    private final LoadBalancerFactory balancerFactory;
    private final List<Endpoint> endpoints;
    /** Each endpoint's panic view, made once so a panicking snapshot's hosts keep their identity. */
    private final List<PanicHost> panicHosts;
    private final Map<Endpoint, PanicHost> panicHostOf = new IdentityHashMap<>();
    private final HashOn hashOn;
    private volatile Snapshot snapshot;

    /** Exactly one of the two is set: the normal balancer over endpoints, or the panic one over their views. */
    private record Snapshot(LoadBalancer<Endpoint> normal, LoadBalancer<PanicHost> panic) { }
    private final RetryBudget retryBudget;
    /** The cluster of the same name that a reload put in this one's place; null while this one serves. */
    private volatile Cluster successor;
    private final io.weir.balance.BalancerSpec spec;

    public Cluster(ClusterConfig config, List<Endpoint> endpoints, LoadBalancerFactory balancerFactory) {
        this.config = config;
        this.endpoints = List.copyOf(endpoints);
        this.balancerFactory = balancerFactory;
        this.hashOn = HashOn.parse(config.hashOn()).orElse(null);
        List<PanicHost> views = new ArrayList<>();
        for (Endpoint e : this.endpoints) {
            PanicHost view = new PanicHost(e);
            views.add(view);
            panicHostOf.put(e, view);
        }
        this.panicHosts = List.copyOf(views);
        this.snapshot = new Snapshot(balancerFactory.create(this.endpoints), null);
        this.retryBudget = new RetryBudget(config.name(), config.retryBudget(), LoopClock::nanoTime);
        this.spec = ClusterManager.specOf(config);
    }

    /**
     * The weight {@code endpoint} has in the balancer now: 0 while it takes no new traffic, its configured
     * weight scaled down while slow start ramps it up. For the admin API and dashboard; not on the hot path.
     */
    public double effectiveWeight(Endpoint endpoint) {
        boolean serving = panicking() ? endpoint.isMember() : endpoint.state() == EndpointState.HEALTHY;
        if (!serving) {
            return 0;
        }
        return endpoint.weight() * spec.rampFactor(endpoint.availableSinceNanos(), System.nanoTime());
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

    /**
     * A reload replaced this cluster with {@code next} (same name, new config); called before this one's
     * endpoints drain, so a request routed on the old config just before the swap, that finds no endpoint here,
     * can go on to the new cluster instead of failing with 503.
     */
    public void retire(Cluster next) {
        this.successor = next;
    }

    /** The cluster serving this one's name now: this one, or the latest that a reload put in its place. */
    public Cluster current() {
        Cluster c = this;
        for (Cluster next = c.successor; next != null; next = c.successor) {
            c = next;
        }
        return c;
    }

    /** An available endpoint, preferring one other than {@code ctx.avoid()}; {@code null} when none is. */
    public Endpoint pick(PickContext ctx) {
        Snapshot s = snapshot;
        if (s.panic == null) {
            return s.normal.pick(ctx);
        }
        Host avoid = ctx.avoid();
        PanicHost picked = s.panic.pick(avoid instanceof Endpoint e ? ctx.avoiding(panicHostOf.get(e)) : ctx);
        return picked == null ? null : picked.endpoint;
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

    /** Whether the cluster is in panic mode: balancing across all members because too few are healthy. */
    public boolean panicking() {
        return snapshot.panic != null;
    }

    /**
     * Rebuilds the balancer snapshot after endpoint states or weights changed, entering or leaving panic
     * mode as the healthy share says. Synchronized so that the last of concurrent rebuilds sees every change.
     */
    public synchronized void rebuild() {
        int members = 0;
        int healthy = 0;
        for (Endpoint e : endpoints) {
            if (e.isMember()) {
                members++;
                if (e.isAvailable()) {
                    healthy++;
                }
            }
        }
        int threshold = config.health().panicThresholdPercent();
        boolean panic = members > 0 && (long) healthy * 100 < (long) threshold * members;
        boolean was = snapshot.panic != null;
        if (panic && !was) {
            log.error("cluster {} PANIC: only {} of {} endpoints healthy, under panic_threshold {}%; balancing "
                    + "across all {} regardless of health until enough recover", name(), healthy, members, threshold,
                    members);
        } else if (!panic && was) {
            log.warn("cluster {} panic over: {} of {} endpoints healthy; unhealthy endpoints take no traffic again",
                    name(), healthy, members);
        }
        snapshot = panic ? new Snapshot(null, balancerFactory.create(panicHosts))
                : new Snapshot(balancerFactory.create(endpoints), null);
    }
}
