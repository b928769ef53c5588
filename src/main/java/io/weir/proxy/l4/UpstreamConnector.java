package io.weir.proxy.l4;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.weir.balance.Hashing;
import io.weir.balance.PickContext;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.cluster.HashOn;
import io.weir.proxy.HalfClosure;
import io.weir.runtime.ThrottledLog;
import io.weir.runtime.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Opens the upstream connection of one downstream connection: picks an endpoint with the cluster's
 * algorithm, connects on the downstream's event loop, and on a refused or timed-out connect tries another
 * endpoint (avoiding the one that failed). Nothing has been forwarded yet, so a retry is always safe.
 */
final class UpstreamConnector {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnector.class);
    private static final ThrottledLog NO_ENDPOINT = ThrottledLog.warn(log,
            "tcp {}: no available endpoint in cluster {}");
    private static final ThrottledLog CONNECT_RETRIED = ThrottledLog.info(log,
            "tcp {}: connect to {} failed ({}), trying another endpoint");
    private static final ThrottledLog CONNECT_FAILED = ThrottledLog.warn(log,
            "tcp {}: connect to {} failed ({}), no endpoint left to try");
    /** Endpoints tried per connection at most (fewer when the cluster has fewer). */
    static final int MAX_ATTEMPTS = 3;

    private final Channel downstream;
    private final Cluster cluster;
    private final Transport transport;
    private final PickContext pick;
    private final BiConsumer<Channel, Endpoint> onConnected;
    /** Told why no upstream could be connected. */
    private final Consumer<String> onFailed;
    private int attemptsLeft;

    UpstreamConnector(Channel downstream, Cluster cluster, Transport transport,
                      BiConsumer<Channel, Endpoint> onConnected, Consumer<String> onFailed) {
        this.downstream = downstream;
        this.cluster = cluster;
        this.transport = transport;
        this.onConnected = onConnected;
        this.onFailed = onFailed;
        this.attemptsLeft = Math.min(MAX_ATTEMPTS, cluster.endpoints().size());
        this.pick = pickContext(cluster.hashOn(), ConnectionAddresses.of(downstream).source());
    }

    /** source_ip is the only key an L4 connection has; other hash_on kinds fall back to the rotation. */
    static PickContext pickContext(HashOn on, InetSocketAddress client) {
        if (on == null || on.kind() != HashOn.Kind.SOURCE_IP || client == null) {
            return PickContext.NONE;
        }
        return PickContext.ofHash(Hashing.hash64(client.getAddress().getHostAddress()));
    }

    void connect() {
        connect(pick);
    }

    private void connect(PickContext ctx) {
        Endpoint endpoint = cluster.pick(ctx);
        if (endpoint == null) {
            NO_ENDPOINT.log(downstream.remoteAddress(), cluster.name());
            onFailed.accept("no available endpoint in cluster " + cluster.name());
            return;
        }
        attemptsLeft--;
        // Counted from the pick, so least_connections sees connections still being opened.
        endpoint.requestStarted();
        long started = System.nanoTime();
        ChannelFuture connect = new Bootstrap()
                .group(downstream.eventLoop())
                .channelFactory(transport::newSocketChannel)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) cluster.config().connectTimeout().toMillis())
                .handler(HalfClosure.INSTANCE)
                .connect(endpoint.address());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                long connectNanos = System.nanoTime() - started;
                Channel upstream = connect.channel();
                endpoint.connectionOpened();
                // The connection's load ends when it closes; its latency figure is the connect time, the
                // only round trip L4 can see.
                upstream.closeFuture().addListener(c -> {
                    endpoint.connectionClosed();
                    endpoint.requestEnded(connectNanos);
                });
                onConnected.accept(upstream, endpoint);
                return;
            }
            endpoint.requestEnded(-1);
            if (!downstream.isActive()) {
                return;
            }
            if (attemptsLeft > 0) {
                CONNECT_RETRIED.log(downstream.remoteAddress(), endpoint, f.cause().toString());
                connect(ctx.avoiding(endpoint));
            } else {
                CONNECT_FAILED.log(downstream.remoteAddress(), endpoint, f.cause().toString());
                onFailed.accept("connect to " + endpoint + " failed: " + f.cause().getMessage());
            }
        });
    }
}
