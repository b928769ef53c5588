package io.weir.cluster;

import io.weir.balance.BalancerSpec;
import io.weir.balance.LoadBalancerFactory;
import io.weir.balance.LoadBalancers;
import io.weir.balance.PeakEwma;
import io.weir.balance.Policy;
import io.weir.config.ClusterConfig;
import io.weir.config.HostPort;

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
            BalancerSpec spec = specOf(config);
            List<Endpoint> endpoints = new ArrayList<>();
            config.endpoints().forEach(e -> endpoints.add(endpointOf(e, LoadBalancers.latencyTracker(spec, System::nanoTime))));
            clusters.put(config.name(), new Cluster(config, endpoints,
                    LoadBalancers.factory(spec, NODE_SEED ^ config.name().hashCode(), System::nanoTime)));
        }
        return new ClusterManager(Map.copyOf(clusters));
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
