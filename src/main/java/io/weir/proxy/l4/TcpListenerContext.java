package io.weir.proxy.l4;

import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.config.ListenerConfig;
import io.weir.runtime.Transport;

/**
 * What every downstream connection of one tcp listener shares: its config, its default cluster, the transport,
 * and its SNI routes (null when it has none).
 */
record TcpListenerContext(ListenerConfig config, Transport transport, ClusterManager clusters, Cluster cluster,
                          SniTable sni) {

    static TcpListenerContext of(ListenerConfig config, Transport transport, ClusterManager clusters) {
        Cluster cluster = clusters.require(config.cluster().orElseThrow());
        SniTable sni = config.sniRoutes().isEmpty() ? null : new SniTable(config.sniRoutes(), clusters, cluster);
        return new TcpListenerContext(config, transport, clusters, cluster, sni);
    }
}
