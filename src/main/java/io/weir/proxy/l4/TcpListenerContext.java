package io.weir.proxy.l4;

import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.config.ListenerConfig;
import io.weir.runtime.Transport;

/** What every downstream connection of one tcp listener shares: its config, its default cluster, the transport. */
record TcpListenerContext(ListenerConfig config, Transport transport, ClusterManager clusters, Cluster cluster) {

    static TcpListenerContext of(ListenerConfig config, Transport transport, ClusterManager clusters) {
        return new TcpListenerContext(config, transport, clusters, clusters.require(config.cluster().orElseThrow()));
    }
}
