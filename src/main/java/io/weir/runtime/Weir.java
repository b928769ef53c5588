package io.weir.runtime;

import io.netty.channel.EventLoopGroup;
import io.weir.accesslog.AccessLog;
import io.weir.admin.AdminServer;
import io.weir.metrics.ProxyMetrics;
import io.weir.proxy.http.RequestObserver;
import io.netty.channel.group.ChannelGroupFuture;
import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.cluster.Endpoint;
import io.weir.config.ListenerConfig;
import io.weir.config.Protocol;
import io.weir.config.WeirConfig;
import io.weir.health.HealthChecks;
import io.weir.proxy.http.HttpListener;
import io.weir.proxy.http.HttpListenerContext;
import io.weir.proxy.http.route.Router;
import io.weir.proxy.http.sticky.StickySessions;
import io.weir.tls.ServerTls;
import io.weir.proxy.l4.TcpListener;
import io.weir.proxy.l4.UdpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.weir.state.InMemoryStateStore;
import io.weir.state.RedisStateStore;
import io.weir.state.StateStore;
import io.weir.config.AdminConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final HealthChecks health;
    private final EndpointDrainer drainer;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final List<HttpListener> httpListeners = new ArrayList<>();
    private final Map<String, InetSocketAddress> boundAddresses = new LinkedHashMap<>();
    private final ProxyMetrics metrics = new ProxyMetrics();
    private AccessLog accessLog;
    private StickySessions sticky = StickySessions.NONE;
    /** Where scope: global rate limits keep their buckets: Redis when configured, else this process. */
    private StateStore state;
    private AdminServer admin;
    private volatile boolean ready;
    /** How to stop accepting on each bound listener, whatever its protocol. */
    private final List<Runnable> unbinds = new ArrayList<>();
    private final Map<String, UdpListener> udpListeners = new LinkedHashMap<>();

    private Weir(WeirConfig config, int eventLoops) {
        this.config = config;
        this.transport = Transport.best();
        this.boss = transport.newGroup(1, "weir-accept");
        this.workers = transport.newGroup(eventLoops, "weir-loop");
        this.clusters = ClusterManager.build(config.clusters());
        // Before any listener binds, so the first request already sees each endpoint's initial state.
        this.health = HealthChecks.start(clusters, workers, transport);
        this.drainer = new EndpointDrainer(workers);
    }

    /** Starts every listener of {@code config}; on a bind failure, stops what started and throws. */
    public static Weir start(WeirConfig config) throws InterruptedException {
        return start(config, Transport.defaultEventLoops());
    }

    public static Weir start(WeirConfig config, int eventLoops) throws InterruptedException {
        Weir weir = new Weir(config, eventLoops);
        try {
            weir.startObservers();
            weir.bindAll();
            weir.startAdmin();
        } catch (RuntimeException | InterruptedException e) {
            weir.close();
            throw e;
        } catch (IOException e) {
            weir.close();
            throw new UncheckedIOException(e);
        }
        weir.ready = true;
        log.info("weir started: {} transport, {} event loops, listeners {}", weir.transport.name(), eventLoops,
                weir.boundAddresses);
        return weir;
    }

    private void startObservers() throws IOException {
        metrics.watch(clusters);
        sticky = StickySessions.build(clusters, System::getenv);
        state = config.state().<StateStore>map(st -> RedisStateStore.connect(st.redisUri(), st.redisTimeout()))
                .orElseGet(InMemoryStateStore::new);
        if (state instanceof RedisStateStore redis) {
            FunctionCounter.builder("weir.state.fallbacks", redis, RedisStateStore::fallbacks)
                    .description("state store calls answered from local state because Redis was down or slow")
                    .register(metrics.registry());
        }
        metrics.watch(sticky);
        if (config.accessLog().isPresent()) {
            accessLog = new AccessLog(config.accessLog().get());
            AccessLogSignals.reopenOnUsr1(accessLog);
            Gauge.builder("weir.access.log.dropped", accessLog, AccessLog::dropped)
                    .description("access log lines dropped because the writer was behind").register(metrics.registry());
        }
    }

    private RequestObserver observer() {
        if (accessLog == null) {
            return metrics;
        }
        AccessLog log = accessLog;
        return outcome -> {
            metrics.requestEnded(outcome);
            log.requestEnded(outcome);
        };
    }

    private void startAdmin() throws InterruptedException {
        if (config.admin().isPresent()) {
            AdminConfig a = config.admin().get();
            String token = a.tokenEnv().map(System::getenv).orElse(null);
            admin = AdminServer.start(a, this, metrics, token, workers, transport);
        }
    }

    /** Listeners bound and the first start done: what {@code /ready} reports. */
    public boolean isReady() {
        return ready;
    }

    /** Where the admin listener is bound; null when there is none. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    private void bindAll() throws InterruptedException {
        for (ListenerConfig listener : config.listeners()) {
            if (listener.protocol() == Protocol.TCP) {
                TcpListener tcp = new TcpListener(listener, transport, clusters);
                boundAddresses.put(listener.name(), tcp.bind(boss, workers));
                unbinds.add(tcp::unbind);
            } else if (listener.protocol() == Protocol.HTTP) {
                Router router = Router.compile(listener.routes(), clusters, state);
                metrics.watch(listener.name(), router);
                HttpListenerContext context = new HttpListenerContext(listener, transport, router, tlsFor(listener));
                context.setObserver(observer());
                context.setSticky(sticky);
                HttpListener http = new HttpListener(context);
                boundAddresses.put(listener.name(), http.bind(boss, workers));
                httpListeners.add(http);
                unbinds.add(http::unbind);
            } else {
                UdpListener udp = new UdpListener(listener, transport, clusters);
                boundAddresses.put(listener.name(), udp.bind(workers));
                udpListeners.put(listener.name(), udp);
                unbinds.add(udp::unbind);
            }
        }
    }

    private static ServerTls tlsFor(ListenerConfig listener) {
        if (listener.tls().isEmpty()) {
            return null;
        }
        try {
            return ServerTls.of(listener.tls().get());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("listener " + listener.name() + ": TLS: " + e.getMessage(), e);
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

    public HealthChecks health() {
        return health;
    }

    /**
     * Drains one endpoint of a cluster (deploys, the admin API): no new requests; in-flight ones finish;
     * after the cluster's {@code drain_timeout} its connections are closed. Completes with {@code true} when
     * it drained cleanly, {@code false} when the timeout cut requests.
     */
    public CompletableFuture<Boolean> drainEndpoint(String clusterName, String endpointId) {
        Cluster cluster = clusters.require(clusterName);
        Endpoint endpoint = cluster.endpoint(endpointId).orElseThrow(() -> new IllegalArgumentException(
                "no endpoint " + endpointId + " in cluster " + clusterName));
        return drainer.drain(cluster, endpoint, cluster.config().drainTimeout());
    }

    public String transportName() {
        return transport.name();
    }

    /**
     * Stops the way a deploy wants (SIGTERM): stop accepting, let requests in flight finish (their responses
     * say {@code Connection: close}), close idle kept-alive connections at once, then close everything. Waits
     * at most {@code timeout}; what is still open then is cut.
     *
     * @return {@code true} when every connection finished in time
     */
    public boolean shutdownGracefully(Duration timeout) {
        if (!shuttingDown.compareAndSet(false, true)) {
            return false;
        }
        ready = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        unbinds.forEach(Runnable::run);
        log.info("shutting down: no longer accepting; waiting up to {}ms for {} open connections", timeout.toMillis(),
                openConnections());
        boolean clean = true;
        // Asked again while any is open: a connection accepted just before the unbind may join late.
        while (clean && openConnections() > 0) {
            for (ChannelGroupFuture f : httpListeners.stream().map(HttpListener::closeGracefully).toList()) {
                long left = deadline - System.nanoTime();
                clean &= left > 0 && f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
            }
        }
        if (clean) {
            log.info("shutdown: every connection finished");
        } else {
            log.warn("shutdown: {} connections still open after shutdown_timeout {}ms; closing them",
                    openConnections(), timeout.toMillis());
        }
        closeLoops();
        return clean;
    }

    private int openConnections() {
        return httpListeners.stream().mapToInt(HttpListener::openConnections).sum();
    }

    @Override
    public void close() {
        if (shuttingDown.compareAndSet(false, true)) {
            closeLoops();
        }
    }

    private void closeLoops() {
        ready = false;
        if (admin != null) {
            admin.close();
        }
        health.close();
        unbinds.forEach(Runnable::run);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (accessLog != null) {
            accessLog.close();
        }
        if (state != null) {
            state.close();
        }
    }
}
