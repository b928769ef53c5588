package io.weir.cluster;

import io.weir.balance.LoadBalancerFactory;
import io.weir.balance.RoundRobin;
import io.weir.config.ClusterConfig;
import io.weir.config.HostPort;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every cluster of one configuration, by name. */
public final class ClusterManager {

    private final Map<String, Cluster> clusters;

    private ClusterManager(Map<String, Cluster> clusters) {
        this.clusters = clusters;
    }

    public static ClusterManager build(List<ClusterConfig> configs) {
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        for (ClusterConfig config : configs) {
            List<Endpoint> endpoints = new ArrayList<>();
            config.endpoints().forEach(e -> endpoints.add(endpointOf(e)));
            clusters.put(config.name(), new Cluster(config, endpoints, balancerFactoryFor(config)));
        }
        return new ClusterManager(Map.copyOf(clusters));
    }

    private static Endpoint endpointOf(ClusterConfig.EndpointConfig config) {
        HostPort hp = config.address();
        // Resolved once when the config loads; an unresolvable name is reported per connect attempt.
        InetSocketAddress address = new InetSocketAddress(hp.host(), hp.port());
        return new Endpoint(hp.toString(), address, config.weight());
    }

    static LoadBalancerFactory balancerFactoryFor(ClusterConfig config) {
        return RoundRobin.factory();
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
