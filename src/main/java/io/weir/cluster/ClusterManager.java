package io.weir.cluster;

import io.weir.balance.BalancerSpec;
import io.weir.balance.LoadBalancerFactory;
import io.weir.balance.LoadBalancers;
import io.weir.balance.PeakEwma;
import io.weir.balance.Policy;
import io.weir.config.ClusterConfig;
import io.weir.config.HostPort;
import io.weir.runtime.LoopClock;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every cluster of one configuration, by name. */
public final class ClusterManager {

    /** Each Weir process seeds its random choices differently, so a fleet does not move in lock step. */
    private static final long NODE_SEED = new SecureRandom().nextLong();

    private final Map<String, Cluster> clusters;

    private ClusterManager(Map<String, Cluster> clusters) {
        this.clusters = clusters;
    }

    public static ClusterManager build(List<ClusterConfig> configs) {
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        for (ClusterConfig config : configs) {
            clusters.put(config.name(), buildCluster(config, null));
        }
        return new ClusterManager(Map.copyOf(clusters));
    }

    /**
     * The clusters of {@code configs} for a reload: a cluster whose config is unchanged is the very same
     * {@link Cluster} object (stats, pools, health state kept); a changed one is rebuilt, reusing each endpoint
     * of {@code previous} whose address and weight are unchanged (when the balancer settings are too, since an
     * endpoint carries the balancer's latency tracker), so its pooled connections and counters survive.
     */
    public static ClusterManager rebuild(List<ClusterConfig> configs, ClusterManager previous) {
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        for (ClusterConfig config : configs) {
            Cluster old = previous.clusters.get(config.name());
            if (old != null && old.config().equals(config)) {
                clusters.put(config.name(), old);
            } else {
                clusters.put(config.name(), buildCluster(config, old));
            }
        }
        return new ClusterManager(Map.copyOf(clusters));
    }

    private static Cluster buildCluster(ClusterConfig config, Cluster previous) {
        BalancerSpec spec = specOf(config);
        boolean sameBalancer = previous != null && specOf(previous.config()).equals(spec);
        List<Endpoint> endpoints = new ArrayList<>();
        for (ClusterConfig.EndpointConfig e : config.endpoints()) {
            Endpoint reused = !sameBalancer ? null : previous.endpoint(e.address().toString())
                    .filter(old -> old.weight() == e.weight()).orElse(null);
            if (reused != null) {
                endpoints.add(reused);
                continue;
            }
            Endpoint fresh = endpointOf(e, LoadBalancers.latencyTracker(spec, LoopClock::nanoTime));
            Optional<Endpoint> predecessor = previous == null ? Optional.empty() : previous.endpoint(fresh.id());
            if (predecessor.isPresent()) {
                fresh.inheritHealth(predecessor.get());
            } else if (previous != null) {
                // New to a running cluster: slow start ramps it up, as it does a recovered endpoint.
                fresh.startRamp();
            }
            endpoints.add(fresh);
        }
        return new Cluster(config, endpoints,
                LoadBalancers.factory(spec, NODE_SEED ^ config.name().hashCode(), LoopClock::nanoTime));
    }

    private static Endpoint endpointOf(ClusterConfig.EndpointConfig config, PeakEwma latency) {
        HostPort hp = config.address();
        // Resolved once when the config loads; an unresolvable name is reported per connect attempt.
        InetSocketAddress address = new InetSocketAddress(hp.host(), hp.port());
        return new Endpoint(hp.toString(), address, config.weight(), latency, config.maxConnections());
    }

    /** The balancer settings of a cluster: the config's names mapped onto the balance package's. */
    static BalancerSpec specOf(ClusterConfig config) {
        ClusterConfig.BalanceTuning t = config.tuning();
        BalancerSpec spec = BalancerSpec.of(Policy.valueOf(config.balance().name()));
        if (t.ringSize().isPresent()) {
            spec = spec.withRingSize(t.ringSize().get());
        }
        if (t.maglevTableSize().isPresent()) {
            spec = spec.withMaglevTableSize(t.maglevTableSize().get());
        }
        if (t.hashBalanceFactor() > 0) {
            spec = spec.withHashBalanceFactor(t.hashBalanceFactor());
        }
        if (config.slowStart().isPresent()) {
            spec = spec.withSlowStart(config.slowStart().get(),
                    t.slowStartAggression().orElse(BalancerSpec.DEFAULT_SLOW_START_AGGRESSION),
                    t.slowStartMinWeightPercent().orElse(BalancerSpec.DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT));
        }
        if (t.latencyHalfLife().isPresent()) {
            spec = spec.withLrtHalfLife(t.latencyHalfLife().get());
        }
        return spec;
    }

    public Optional<Cluster> get(String name) {
        return Optional.ofNullable(clusters.get(name));
    }

    public Cluster require(String name) {
        Cluster cluster = clusters.get(name);
        if (cluster == null) {
            throw new IllegalArgumentException("no cluster named " + name);
        }
        return cluster;
    }

    public Iterable<Cluster> all() {
        return clusters.values();
    }
}
