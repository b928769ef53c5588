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
import io.weir.config.StateConfig;
import io.weir.state.InMemoryStateStore;
import io.weir.state.NettyLoops;
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

    /** What runs: the file's config with the admin API's changes on top. */
    private volatile WeirConfig config;
    /** The config as the file says it. */
    private volatile WeirConfig fileConfig;
    /** The admin API's changes, persisted in {@link #stateFile} (null: not persisted, no config file). */
    private volatile Overlay overlay;
    private final java.nio.file.Path stateFile;
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private volatile ClusterManager clusters;
    private final HealthChecks health;
    private final EndpointDrainer drainer;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private Listeners listeners;
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final java.util.concurrent.ExecutorService reloadThread =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "weir-reload");
                t.setDaemon(true);
                return t;
            });
    private AccessLog accessLog;
    private AccessLog l4AccessLog;
    private StickySessions sticky = StickySessions.NONE;
    /** Where scope: global rate limits keep their buckets: Redis when configured, else this process. */
    private StateStore state;
    /** Drain flags shared with other nodes through Redis; null without {@code state.redis}. */
    private SharedDrains drains;
    private AdminServer admin;
    private volatile boolean ready;

    private Weir(WeirConfig file, Overlay overlay, java.nio.file.Path stateFile, int eventLoops) {
        this.fileConfig = file;
        this.overlay = overlay;
        this.stateFile = stateFile;
        this.config = overlay.applyTo(file);
        this.transport = Transport.best();
        this.boss = transport.newGroup(1, "weir-accept");
        this.workers = transport.newGroup(eventLoops, "weir-loop");
        this.clusters = ClusterManager.build(this.config.clusters());
        applyDrains(clusters);
        // Before any listener binds, so the first request already sees each endpoint's initial state.
        this.health = HealthChecks.start(clusters, workers, transport);
        this.drainer = new EndpointDrainer(workers);
    }

    /** Starts every listener of {@code config}; on a bind failure, stops what started and throws. */
    public static Weir start(WeirConfig config) throws InterruptedException {
        return start(config, Transport.defaultEventLoops());
    }

    public static Weir start(WeirConfig config, int eventLoops) throws InterruptedException {
        return start(config, eventLoops, ListenSockets.FRESH);
    }

    /**
     * As {@link #start(WeirConfig, int)}, with the listening sockets a running Weir handed over (an upgrade): a
     * listener whose protocol kind and address match one of them takes it instead of binding anew.
     */
    public static Weir start(WeirConfig config, int eventLoops, ListenSockets sockets) throws InterruptedException {
        java.nio.file.Path stateFile = StateFile.beside(config.source());
        Overlay overlay;
        try {
            overlay = StateFile.read(stateFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the admin API's state file " + stateFile + ": "
                    + e.getMessage() + " (fix or remove it)", e);
        }
        if (!overlay.isEmpty()) {
            log.info("applying the admin API's changes from {} on top of {}", stateFile, config.source());
        }
        Weir weir = new Weir(config, overlay, stateFile, eventLoops);
        try {
            weir.startObservers();
            weir.bindAll(sockets);
            weir.startAdmin(sockets);
            sockets.closeUnused();
        } catch (RuntimeException | InterruptedException e) {
            weir.close();
            throw e;
        } catch (IOException e) {
            weir.close();
            throw new UncheckedIOException(e);
        }
        weir.ready = true;
        log.info("weir started: {} transport, {} event loops, listeners {}", weir.transport.name(), eventLoops,
                weir.listeners.addresses());
        return weir;
    }

    private void startObservers() throws IOException {
        metrics.watch(clusters);
        metrics.watch(health.events());
        state = config.state().<StateStore>map(this::connectRedis).orElseGet(InMemoryStateStore::new);
        if (state instanceof RedisStateStore redis) {
            FunctionCounter.builder("weir.state.fallbacks", redis, RedisStateStore::fallbacks)
                    .description("state store calls answered from local state because Redis was down or slow")
                    .register(metrics.registry());
        }
        sticky = StickySessions.build(clusters, System::getenv, state.shared().orElse(null));
        metrics.watch(sticky);
        state.shared().ifPresent(shared -> drains = new SharedDrains(shared, () -> clusters,
                (c, e) -> drainer.drain(c, e, c.config().drainTimeout()), workers,
                config.state().get().syncInterval()));
        if (config.accessLog().isPresent()) {
            accessLog = new AccessLog(config.accessLog().get());
            FunctionCounter.builder("weir.access.log.dropped", accessLog, AccessLog::dropped)
                    .description("access log lines dropped because the writer was behind").register(metrics.registry());
        }
        if (config.l4AccessLog().isPresent()) {
            l4AccessLog = AccessLog.forConnections(config.l4AccessLog().get());
            FunctionCounter.builder("weir.l4.access.log.dropped", l4AccessLog, AccessLog::dropped)
                    .description("L4 access log lines dropped because the writer was behind").register(metrics.registry());
        }
        AccessLogSignals.reopenOnUsr1(accessLog, l4AccessLog);
    }

    /** Redis, through Lettuce on Weir's own event loops (see docs/sessions.md); the password from its variable. */
    private RedisStateStore connectRedis(StateConfig st) {
        String password = null;
        if (st.passwordEnv().isPresent()) {
            password = System.getenv(st.passwordEnv().get());
            if (password == null || password.isEmpty()) {
                throw new IllegalStateException("state.redis.password_env names " + st.passwordEnv().get()
                        + ", which is not set");
            }
        }
        return RedisStateStore.connect(st, password, new NettyLoops(workers, transport.socketChannel()));
    }

    /**
     * Who hears of each request as it ends. Request metrics are recorded only with an admin listener: without
     * one, /metrics is served nowhere and recording them would be work nobody reads.
     */
    private RequestObserver observer() {
        RequestObserver recorded = config.admin().isPresent() ? metrics : RequestObserver.NONE;
        if (accessLog == null) {
            return recorded;
        }
        AccessLog log = accessLog;
        return outcome -> {
            recorded.requestEnded(outcome);
            log.requestEnded(outcome);
        };
    }

    private void startAdmin(ListenSockets sockets) throws InterruptedException {
        if (config.admin().isPresent()) {
            AdminConfig a = config.admin().get();
            String token = a.token(System::getenv);
            admin = AdminServer.start(a, this, metrics, token, workers, transport, sockets);
        }
    }

    /**
     * What {@code /ready} reports: every listener bound and the first round of active health checks done for
     * every cluster that has them; false again once shutting down.
     */
    public boolean isReady() {
        return ready && health.firstRound().isDone();
    }

    /** Why this Weir is not ready (or that it is), for {@code /ready}'s body. */
    public Map<String, Object> readiness() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", isReady() ? "ready" : shuttingDown.get() ? "shutting down" : "starting");
        m.put("listeners_bound", ready);
        m.put("first_health_checks_done", health.firstRound().isDone());
        return m;
    }

    /** Completes when this Weir first becomes {@link #isReady() ready}. */
    public CompletableFuture<Void> whenReady() {
        return health.firstRound();
    }

    /** The listening sockets (listeners and admin) that a new Weir takes over on upgrade. */
    public List<Handover.Offer> handoverOffers() {
        List<Handover.Offer> offers = new ArrayList<>(listeners.offers());
        if (admin != null && admin.channel().isOpen()) {
            offers.add(new Handover.Offer(Handover.Kind.STREAM, "admin", config.admin().orElseThrow().listen().host(),
                    admin.address().getPort(), admin.channel()));
        }
        return offers;
    }

    /** The transport's event loops, for the hand-over socket. */
    public EventLoopGroup eventLoops() {
        return workers;
    }

    /**
     * After a new Weir took the listening sockets over: stop accepting (the admin listener too, so probes reach
     * only the new one), let what is in flight finish, as {@link #shutdownGracefully}.
     */
    public boolean drainAfterHandover(Duration timeout) {
        if (admin != null) {
            admin.close();
        }
        return shutdownGracefully(timeout);
    }

    /** Where the admin listener is bound; null when there is none. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    private void bindAll(ListenSockets sockets) throws InterruptedException {
        listeners = new Listeners(transport, boss, workers, observer(), state, sticky, metrics, sockets);
        if (l4AccessLog != null) {
            listeners.observeConnections(l4AccessLog);
        }
        for (ListenerConfig listener : config.listeners()) {
            listeners.put(listeners.bind(listener, clusters));
        }
    }

    /** Where each listener is bound, by name (the real port when the config said 0). */
    public InetSocketAddress address(String listenerName) {
        Listeners.Bound b = listeners == null ? null : listeners.get(listenerName);
        return b == null ? null : b.address();
    }

    /** A udp listener by name (its flow count, evictions); null when there is none by that name. */
    public UdpListener udpListener(String name) {
        Listeners.Bound b = listeners == null ? null : listeners.get(name);
        return b == null ? null : b.udp();
    }

    /**
     * Applies {@code next} to the running Weir without dropping a request (see {@link Reloader}); a config that
     * cannot be applied changes nothing.
     */
    public synchronized ReloadResult reload(WeirConfig next) {
        if (shuttingDown.get()) {
            return ReloadResult.failed(List.of("weir is shutting down"));
        }
        ReloadResult result = new Reloader(this, listeners, drainer).apply(overlay.applyTo(next));
        if (result.ok()) {
            fileConfig = next;
            rereadAdminToken(next);
        }
        return result;
    }

    /**
     * Applies a change of the admin API ({@code edit} maps the current overlay to the next) on the reload
     * thread: the running config becomes the file's with the new overlay on top, and the overlay is written to
     * the state file so that it survives reload and restart.
     */
    public CompletableFuture<ReloadResult> edit(java.util.function.UnaryOperator<Overlay> edit) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (this) {
                Overlay next = edit.apply(overlay);
                ReloadResult result = new Reloader(this, listeners, drainer).apply(next.applyTo(fileConfig));
                if (!result.ok()) {
                    return result;
                }
                overlay = next;
                return save(next, result);
            }
        }, reloadThread);
    }

    /** Writes {@code next} to the state file; a failure to write is a warning in the answer, not a refusal. */
    private ReloadResult save(Overlay next, ReloadResult result) {
        if (stateFile == null) {
            return result;
        }
        try {
            StateFile.write(stateFile, next);
            return result;
        } catch (IOException e) {
            log.error("admin change applied but NOT saved to {}: {}", stateFile, e.toString());
            List<String> changes = new ArrayList<>(result.changes());
            changes.add("WARNING: not saved to " + stateFile + ": " + e.getMessage());
            return ReloadResult.applied(changes);
        }
    }

    /**
     * Drains (or undrains) an endpoint for the admin API, and keeps that decision in the state file: it holds
     * after reloads (even one that rebuilds the endpoint) and restarts until undrained. Draining lets in-flight
     * requests finish within the cluster's {@code drain_timeout}; undraining ramps up under slow start.
     */
    public CompletableFuture<ReloadResult> setDrained(String clusterName, String endpointId, boolean drained) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (this) {
                Overlay next = overlay.withDrained(clusterName, endpointId, drained);
                // Other nodes sharing Redis follow (see SharedDrains); the state file is this node's.
                if (drained) {
                    drainEndpoint(clusterName, endpointId);
                } else {
                    undrainEndpoint(clusterName, endpointId);
                }
                overlay = next;
                return save(next, ReloadResult.applied(List.of("cluster " + clusterName + ": endpoint " + endpointId
                        + (drained ? " draining" : " undrained"))));
            }
        }, reloadThread);
    }

    /** Drains the endpoints the admin API drained that are not draining yet (new, or rebuilt by a reload). */
    private void applyDrains(ClusterManager in) {
        overlay.drained().forEach((clusterName, addresses) -> in.get(clusterName).ifPresent(cluster -> {
            for (String address : addresses) {
                cluster.endpoint(address).filter(e -> !e.isDraining()).ifPresent(e -> {
                    log.info("cluster {}: endpoint {} stays drained (admin API, {})", clusterName, address,
                            stateFile == null ? "in memory" : stateFile);
                    cluster.drain(e);
                });
            }
        }));
    }

    /** A rotated token takes effect on reload; the rest of the admin section takes a restart. */
    private void rereadAdminToken(WeirConfig next) {
        if (admin == null || next.admin().isEmpty()) {
            return;
        }
        try {
            admin.setToken(next.admin().get().token(System::getenv));
        } catch (IllegalStateException e) {
            log.error("reload: the admin token was not changed: {}", e.getMessage());
        }
    }

    /** The config as the file says it, without the admin API's changes. */
    public WeirConfig fileConfig() {
        return fileConfig;
    }

    /** The admin API's changes on top of the file. */
    public Overlay overlay() {
        return overlay;
    }

    /** Where the admin API's changes are saved; null when they are not (no config file on disk). */
    public java.nio.file.Path stateFile() {
        return stateFile;
    }

    /** Reads, validates and applies {@code file}; an invalid file changes nothing and every error is reported. */
    public ReloadResult reload(java.nio.file.Path file) {
        WeirConfig next;
        try {
            next = io.weir.config.ConfigLoader.load(file);
        } catch (io.weir.config.ConfigException e) {
            ReloadResult r = ReloadResult.failed(e.errors().stream().map(Object::toString).toList());
            log.error("reload of {} refused, nothing changed:\n{}", file, String.join("\n", r.errors()));
            return r;
        } catch (IOException e) {
            log.error("reload of {} refused, nothing changed: {}", file, e.toString());
            return ReloadResult.failed(List.of(file + ": " + e.getMessage()));
        }
        return reload(next);
    }

    /**
     * Reloads the file this Weir was started from ({@link WeirConfig#source()}), off the caller's thread: on a
     * single reload thread, so that SIGHUP, the admin API and the file watch never run two at once and never
     * block an event loop.
     */
    public CompletableFuture<ReloadResult> reloadAsync() {
        java.nio.file.Path file = config.source();
        if (file == null) {
            return CompletableFuture.completedFuture(ReloadResult.failed(List.of("no config file to reload from")));
        }
        return CompletableFuture.supplyAsync(() -> reload(file), reloadThread);
    }

    /** Called by the {@link Reloader} once a reload is applied. */
    void swapped(WeirConfig next, ClusterManager nextClusters) {
        // Before any listener points at the new clusters, so no request reaches an endpoint drained by the API.
        applyDrains(nextClusters);
        this.config = next;
        this.clusters = nextClusters;
        // Same key: cookies issued before the reload still name their endpoints.
        sticky = sticky.rebuiltFor(nextClusters, System::getenv);
        listeners.setSticky(sticky);
        metrics.watch(sticky);
    }

    public WeirConfig config() {
        return config;
    }

    public ClusterManager clusters() {
        return clusters;
    }

    ProxyMetrics metrics() {
        return metrics;
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
        CompletableFuture<Boolean> drained = drainer.drain(cluster, endpoint, cluster.config().drainTimeout());
        if (drains != null) {
            drains.drained(clusterName, endpointId);
        }
        return drained;
    }

    /** Ends a {@link #drainEndpoint drain}: the endpoint takes new requests again, on every node sharing Redis. */
    public void undrainEndpoint(String clusterName, String endpointId) {
        Cluster cluster = clusters.require(clusterName);
        Endpoint endpoint = cluster.endpoint(endpointId).orElseThrow(() -> new IllegalArgumentException(
                "no endpoint " + endpointId + " in cluster " + clusterName));
        cluster.undrain(endpoint);
        if (drains != null) {
            drains.undrained(clusterName, endpointId);
        }
    }

    public String transportName() {
        return transport.name();
    }

    /**
     * Stops the way a deploy wants (SIGTERM): stop accepting, let requests in flight finish (their responses
     * say {@code Connection: close}), close idle kept-alive connections after a second in which a request already
     * on its way is still answered, then close everything. Waits at most {@code timeout}; what is still open then
     * is cut.
     *
     * @return {@code true} when every connection finished in time
     */
    public boolean shutdownGracefully(Duration timeout) {
        if (!shuttingDown.compareAndSet(false, true)) {
            return false;
        }
        ready = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        listeners.unbindAll();
        log.info("shutting down: no longer accepting; waiting up to {}ms for {} open connections", timeout.toMillis(),
                openConnections());
        boolean clean = true;
        // Asked again while any is open: a connection accepted just before the unbind may join late.
        while (clean && openConnections() > 0) {
            for (ChannelGroupFuture f : listeners.closeGracefully()) {
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
        // The last line of a run, so that an operator reading the log knows the stop was complete.
        log.info("stopped");
        return clean;
    }

    private int openConnections() {
        return listeners.openConnections();
    }

    @Override
    public void close() {
        if (shuttingDown.compareAndSet(false, true)) {
            closeLoops();
        }
    }

    private void closeLoops() {
        ready = false;
        reloadThread.shutdown();
        if (listeners != null) {
            listeners.closeCertificateWatcher();
        }
        if (admin != null) {
            admin.close();
        }
        health.close();
        if (listeners != null) {
            listeners.unbindAll();
        }
        if (drains != null) {
            drains.close();
        }
        // Before the event loops: Lettuce's connection lives on one of them.
        if (state != null) {
            state.close();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (accessLog != null) {
            accessLog.close();
        }
        if (l4AccessLog != null) {
            l4AccessLog.close();
        }
    }
}
