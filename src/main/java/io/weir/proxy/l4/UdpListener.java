package io.weir.proxy.l4;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.weir.cluster.ClusterManager;
import io.weir.config.ListenerConfig;
import io.weir.runtime.ListenSockets;
import io.weir.runtime.Transport;

import java.net.InetSocketAddress;

/**
 * Binds a udp listener: one datagram socket whose {@link UdpFlowTable} gives each client address its own
 * flow to one endpoint. The socket and all its flows live on one event loop.
 */
public final class UdpListener {

    private volatile ListenerConfig config;
    private final Transport transport;
    private final UdpFlowTable flows;
    private Channel channel;

    public UdpListener(ListenerConfig config, Transport transport, ClusterManager clusters) {
        this.config = config;
        this.transport = transport;
        this.flows = new UdpFlowTable(clusters.require(config.cluster().orElseThrow()), transport,
                config.idleTimeout().toNanos(), config.maxFlows());
    }

    public InetSocketAddress bind(EventLoopGroup workers) throws InterruptedException {
        return bind(workers, ListenSockets.FRESH);
    }

    /** As {@link #bind(EventLoopGroup)}, taking the socket from {@code sockets} (an upgrade). */
    public InetSocketAddress bind(EventLoopGroup workers, ListenSockets sockets) throws InterruptedException {
        channel = sockets.bindDatagram(new Bootstrap().group(workers).handler(flows), transport,
                new InetSocketAddress(config.listen().host(), config.listen().port()));
        return (InetSocketAddress) channel.localAddress();
    }

    /** Reports each flow as it ends (the L4 access log). */
    public void observeFlows(ConnectionObserver observer) {
        flows.observeFlows(config.name(), observer);
    }

    /** The datagram socket (handed to a new Weir on upgrade). */
    public Channel channel() {
        return channel;
    }

    /** After a reload that kept this listener's config: new flows pick from {@code clusters}' cluster. */
    public void update(ClusterManager clusters) {
        flows.setCluster(clusters.require(config.cluster().orElseThrow()));
    }

    /**
     * A reload changed the listener's settings but not its address: new flows go to {@code next}'s cluster, and
     * its {@code idle_timeout} and {@code max_flows} apply from now on, on the same socket. Flows open now go on,
     * as they would across a reload that left the listener alone.
     */
    public void reconfigure(ListenerConfig next, ClusterManager clusters) {
        config = next;
        flows.setCluster(clusters.require(next.cluster().orElseThrow()));
        channel.eventLoop().execute(() -> flows.setLimits(next.idleTimeout().toNanos(), next.maxFlows()));
    }

    /** Flows open now. */
    public int flows() {
        return flows.size();
    }

    /** Flows evicted to stay within {@code max_flows}. */
    public long evictions() {
        return flows.evictions();
    }

    /** Closes the socket and every flow. */
    public void unbind() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
