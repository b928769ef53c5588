package io.weir.proxy.l4;

import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.config.ListenerConfig;
import io.weir.proxy.TrustedProxies;
import io.weir.runtime.Transport;

/**
 * What every downstream connection of one tcp listener shares: its config, its default cluster, the transport,
 * its SNI routes (null when it has none) and the sources allowed to send PROXY headers (null when none are
 * expected).
 */
record TcpListenerContext(ListenerConfig config, Transport transport, ClusterManager clusters, Cluster cluster,
                          SniTable sni, TrustedProxies proxyProtocolSources, ConnectionObserver observer) {

    static TcpListenerContext of(ListenerConfig config, Transport transport, ClusterManager clusters) {
        return of(config, transport, clusters, ConnectionObserver.NONE);
    }

    static TcpListenerContext of(ListenerConfig config, Transport transport, ClusterManager clusters,
                                 ConnectionObserver observer) {
        Cluster cluster = clusters.require(config.cluster().orElseThrow());
        SniTable sni = config.sniRoutes().isEmpty() ? null : new SniTable(config.sniRoutes(), clusters, cluster);
        TrustedProxies sources = config.acceptProxyProtocol()
                ? TrustedProxies.of(config.trustedProxyProtocolSources()) : null;
        return new TcpListenerContext(config, transport, clusters, cluster, sni, sources, observer);
    }
}
