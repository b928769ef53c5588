package io.weir.proxy.l4;

import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.config.SniRoute;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The clusters of a tcp listener's {@code sni_routes}, by server name: an exact name first, then a wildcard
 * for the name's parent ({@code *.example.org} for {@code a.example.org}), then the listener's cluster.
 */
final class SniTable {

    private final Map<String, Cluster> exact = new HashMap<>();
    /** Keyed by the part after {@code *.}. */
    private final Map<String, Cluster> wildcard = new HashMap<>();
    private final Cluster fallback;

    SniTable(List<SniRoute> routes, ClusterManager clusters, Cluster fallback) {
        this.fallback = fallback;
        for (SniRoute route : routes) {
            Cluster cluster = clusters.require(route.cluster());
            for (String name : route.serverNames()) {
                if (name.startsWith("*.")) {
                    wildcard.putIfAbsent(name.substring(2), cluster);
                } else {
                    exact.putIfAbsent(name, cluster);
                }
            }
        }
    }

    /** @param serverName lower case, or null when the ClientHello had no SNI */
    Cluster route(String serverName) {
        if (serverName == null) {
            return fallback;
        }
        Cluster c = exact.get(serverName);
        if (c != null) {
            return c;
        }
        int dot = serverName.indexOf('.');
        if (dot > 0) {
            c = wildcard.get(serverName.substring(dot + 1));
        }
        return c != null ? c : fallback;
    }
}
