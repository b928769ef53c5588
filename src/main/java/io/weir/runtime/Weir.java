package io.weir.runtime;

import io.netty.channel.EventLoopGroup;
import io.weir.cluster.ClusterManager;
import io.weir.config.ListenerConfig;
import io.weir.config.Protocol;
import io.weir.config.WeirConfig;
import io.weir.proxy.http.HttpListener;
import io.weir.proxy.http.HttpListenerContext;
import io.weir.proxy.http.route.Router;
import io.weir.proxy.l4.TcpListener;
import io.weir.proxy.l4.UdpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running Weir: event loops, clusters and bound listeners for one configuration. Upstream channels
 * are registered on the downstream's event loop, so one group serves both sides.
 */
public final class Weir implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Weir.class);

    private final WeirConfig config;
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ClusterManager clusters;
    /** How to stop accepting on each bound listener, whatever its protocol. */
    private final List<Runnable> unbinds = new ArrayList<>();
    private final Map<String, InetSocketAddress> boundAddresses = new LinkedHashMap<>();
    private final Map<String, UdpListener> udpListeners = new LinkedHashMap<>();

    private Weir(WeirConfig config, int eventLoops) {
        this.config = config;
        this.transport = Transport.best();
        this.boss = transport.newGroup(1, "weir-accept");
        this.workers = transport.newGroup(eventLoops, "weir-loop");
        this.clusters = ClusterManager.build(config.clusters());
    }

    /** Starts every listener of {@code config}; on a bind failure, stops what started and throws. */
    public static Weir start(WeirConfig config) throws InterruptedException {
        return start(config, Transport.defaultEventLoops());
    }

    public static Weir start(WeirConfig config, int eventLoops) throws InterruptedException {
        Weir weir = new Weir(config, eventLoops);
        try {
            weir.bindAll();
        } catch (RuntimeException | InterruptedException e) {
            weir.close();
            throw e;
        }
        log.info("weir started: {} transport, {} event loops, listeners {}", weir.transport.name(), eventLoops,
                weir.boundAddresses);
        return weir;
    }

    private void bindAll() throws InterruptedException {
        for (ListenerConfig listener : config.listeners()) {
            if (listener.protocol() == Protocol.TCP) {
                TcpListener tcp = new TcpListener(listener, transport, clusters);
                boundAddresses.put(listener.name(), tcp.bind(boss, workers));
                unbinds.add(tcp::unbind);
            } else if (listener.protocol() == Protocol.HTTP) {
                HttpListener http = new HttpListener(new HttpListenerContext(listener, transport,
                        Router.compile(listener.routes(), clusters)));
                boundAddresses.put(listener.name(), http.bind(boss, workers));
                unbinds.add(http::unbind);
            } else {
                UdpListener udp = new UdpListener(listener, transport, clusters);
                boundAddresses.put(listener.name(), udp.bind(workers));
                udpListeners.put(listener.name(), udp);
                unbinds.add(udp::unbind);
            }
        }
    }

    /** Where each listener is bound, by name (the real port when the config said 0). */
    public InetSocketAddress address(String listenerName) {
        return boundAddresses.get(listenerName);
    }

    /** A udp listener by name (its flow count, evictions); null when there is none by that name. */
    public UdpListener udpListener(String name) {
        return udpListeners.get(name);
    }

    public WeirConfig config() {
        return config;
    }

    public ClusterManager clusters() {
        return clusters;
    }

    public String transportName() {
        return transport.name();
    }

    @Override
    public void close() {
        unbinds.forEach(Runnable::run);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
