package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import io.weir.balance.PickContext;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointState;
import io.weir.runtime.ThrottledLog;
import io.weir.runtime.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The flows of one udp listener, keyed by client address, in least-recently-active order: the first entry
 * is the one idle longest, so expiry and eviction both look only at the head. Lives on the listener
 * channel's event loop, which is the only thread that touches it.
 */
final class UdpFlowTable extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger log = LoggerFactory.getLogger(UdpFlowTable.class);
    private static final ThrottledLog NO_ENDPOINT = ThrottledLog.warn(log,
            "udp {}: no available endpoint in cluster {}; datagram dropped");

    private volatile Cluster cluster;
    private final Transport transport;
    /** Both only touched on the listener's event loop once it is bound. */
    private long idleTimeoutNanos;
    private int maxFlows;
    /** Access order: get() moves a flow to the tail. */
    private final LinkedHashMap<InetSocketAddress, UdpFlow> flows = new LinkedHashMap<>(64, 0.75f, true);
    private Channel listener;
    private ScheduledFuture<?> sweeper;
    private volatile int size;
    private volatile long evictions;

    private volatile ConnectionObserver observer = ConnectionObserver.NONE;
    private volatile String listenerName = "";

    void setCluster(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Reports each flow as it ends (the L4 access log). */
    void observeFlows(String listenerName, ConnectionObserver observer) {
        this.listenerName = listenerName;
        this.observer = observer;
    }

    UdpFlowTable(Cluster cluster, Transport transport, long idleTimeoutNanos, int maxFlows) {
        this.cluster = cluster;
        this.transport = transport;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.maxFlows = maxFlows;
    }

    /** Flows open now (read from any thread, for metrics and tests). */
    int size() {
        return size;
    }

    /** Flows closed to make room for a new one since the listener started. */
    long evictions() {
        return evictions;
    }

    /**
     * A reload's new {@code idle_timeout} and {@code max_flows}, for the flows open now as for new ones: an idle
     * flow expires by the new timeout, and a table above the new size shrinks as new flows evict the oldest. On
     * the listener's event loop, once it is bound.
     */
    void setLimits(long idleTimeoutNanos, int maxFlows) {
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.maxFlows = maxFlows;
        if (sweeper != null && sweeper.cancel(false)) {
            sweep(listener);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        listener = ctx.channel();
        sweep(listener);
        ctx.fireChannelActive();
    }

    private void sweep(Channel bound) {
        // Expiry is checked a few times per timeout: a flow lives at most a quarter longer than its timeout.
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), idleTimeoutNanos / 4);
        sweeper = bound.eventLoop().scheduleAtFixedRate(this::expire, period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        UdpFlow flow = flows.get(client);
        if (flow != null) {
            String leaving = whyLeave(flow);
            if (leaving != null) {
                flow = moved(flow, leaving);
            }
        }
        if (flow == null) {
            flow = open(client, pick(client));
            if (flow == null) {
                return;
            }
        }
        flow.send(packet.content().retain());
    }

    /**
     * Why a flow should leave its endpoint: the endpoint fails its active checks, outlier detection ejected it,
     * a reload (or the admin API) took it out of the cluster, or it has been draining for longer than the
     * cluster's {@code drain_timeout}; null while it serves. A flow lives as long as its client keeps sending,
     * so without moving a game or media client would send into a dead or decommissioned endpoint for as long
     * as it plays. A draining endpoint keeps its flows until then, as a tcp connection gets until then to end.
     */
    private String whyLeave(UdpFlow flow) {
        Endpoint endpoint = flow.endpoint();
        EndpointState state = endpoint.state();
        if (failed(state)) {
            return state.name().toLowerCase(Locale.ROOT);
        }
        Cluster now = this.cluster;
        if (state == EndpointState.DRAINING
                && System.nanoTime() - endpoint.drainingSinceNanos() >= now.config().drainTimeout().toNanos()) {
            return "drained (drain_timeout " + now.config().drainTimeout().toMillis() + "ms)";
        }
        if (flow.seenIn != now) {
            // Looked up once per flow and reload, not per datagram.
            if (now.endpoint(endpoint.id()).isEmpty()) {
                return "removed from cluster " + now.name();
            }
            flow.seenIn = now;
        }
        return null;
    }

    private static boolean failed(EndpointState state) {
        return state == EndpointState.UNHEALTHY || state == EndpointState.EJECTED;
    }

    /**
     * The flow on a failed endpoint, on another endpoint when the cluster has a serving one; else as it was (in
     * panic mode the balancer hands out failed endpoints too, and hopping between them would only churn sockets).
     */
    private UdpFlow moved(UdpFlow flow, String why) {
        Endpoint other = pick(flow.client());
        if (other == null || other == flow.endpoint() || failed(other.state())) {
            return flow;
        }
        remove(flow, "endpoint " + flow.endpoint().id() + " " + why + ": moved to " + other.id());
        return open(flow.client(), other);
    }

    private Endpoint pick(InetSocketAddress client) {
        Cluster cluster = this.cluster;
        return cluster.pick(UpstreamConnector.pickContext(cluster.hashOn(), client));
    }

    private UdpFlow open(InetSocketAddress client, Endpoint endpoint) {
        Cluster cluster = this.cluster;
        if (endpoint == null) {
            NO_ENDPOINT.log(client, cluster.name());
            return null;
        }
        if (flows.size() >= maxFlows) {
            Iterator<UdpFlow> oldest = flows.values().iterator();
            UdpFlow evicted = oldest.next();
            oldest.remove();
            evicted.close("evicted: max_flows " + maxFlows + " reached");
            evictions++;
        }
        UdpFlow flow = new UdpFlow(client, endpoint, this, listener, transport, listenerName, cluster, observer);
        flows.put(client, flow);
        size = flows.size();
        return flow;
    }

    /** A reply from the flow's endpoint: back to its client, and the flow counts as active. */
    void replied(UdpFlow flow, ByteBuf payload) {
        if (flows.get(flow.client()) != flow || !listener.isActive()) {
            payload.release();
            return;
        }
        listener.writeAndFlush(new DatagramPacket(payload, flow.client()), listener.voidPromise());
    }

    void remove(UdpFlow flow, String why) {
        if (flows.remove(flow.client(), flow)) {
            size = flows.size();
        }
        flow.close(why);
    }

    private void expire() {
        long now = System.nanoTime();
        Iterator<UdpFlow> it = flows.values().iterator();
        // Every datagram, either way, looks its flow up and so moves it to the tail: the head is idle longest.
        while (it.hasNext()) {
            UdpFlow flow = it.next();
            if (now - flow.lastActiveNanos() < idleTimeoutNanos) {
                break;
            }
            it.remove();
            flow.close("idle timeout " + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + "ms");
        }
        size = flows.size();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        flows.values().forEach(f -> f.close("listener closed"));
        flows.clear();
        size = 0;
        ctx.fireChannelInactive();
    }
}
