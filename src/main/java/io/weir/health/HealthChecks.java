package io.weir.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointEvents;
import io.weir.config.HealthCheckConfig;
import io.weir.config.UpstreamTlsConfig;
import io.weir.runtime.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Every health mechanism of one running configuration: an {@link EndpointChecker} per endpoint of each
 * cluster with a {@code health_check}, an {@link OutlierDetector} per cluster with {@code outlier_detection}.
 * Checkers are spread over the event loops; each uses its own connections, never the proxy's pools.
 */
public final class HealthChecks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);

    private final Map<Endpoint, EndpointChecker> checkers = new IdentityHashMap<>();
    private final Map<Cluster, List<EndpointChecker>> checkersOf = new IdentityHashMap<>();
    private final Map<Cluster, OutlierDetector> detectors = new IdentityHashMap<>();
    private final EndpointEvents events = new EndpointEvents();
    private final EventLoopGroup loops;
    private final Transport transport;
    /** Every endpoint checked at start has had its first verdict: part of what {@code /ready} waits for. */
    private CompletableFuture<Void> firstRound = CompletableFuture.completedFuture(null);

    private HealthChecks(EventLoopGroup loops, Transport transport) {
        this.loops = loops;
        this.transport = transport;
    }

    /** Applies initial states and starts checking; returns at once. */
    public static HealthChecks start(ClusterManager clusters, EventLoopGroup loops, Transport transport) {
        HealthChecks health = new HealthChecks(loops, transport);
        for (Cluster cluster : clusters.all()) {
            health.startCluster(cluster, Set.of());
        }
        synchronized (health) {
            health.firstRound = CompletableFuture.allOf(health.checkers.values().stream()
                    .map(EndpointChecker::firstVerdict).toArray(CompletableFuture[]::new));
        }
        return health;
    }

    /**
     * Completes once every endpoint checked at start has had its first verdict (a timeout counts: the
     * endpoint is then known to be unhealthy). Until then a load balancer in front should not send traffic,
     * since Weir would pick endpoints on their initial state, not on what a check saw.
     */
    public synchronized CompletableFuture<Void> firstRound() {
        return firstRound;
    }

    /**
     * After a reload: stops checking the clusters in {@code stopped} (replaced or removed) and starts on those in
     * {@code started} (new or rebuilt). An endpoint carried over into a rebuilt cluster keeps its health state:
     * its new checker starts from the endpoint's current verdict instead of {@code initial_state}. An endpoint
     * new to its cluster starts from {@code initial_state}, as at start-up: by default it takes no traffic until
     * its first check passes.
     */
    public synchronized void restart(Collection<Cluster> stopped, Collection<Cluster> started) {
        Set<String> carriedOver = new HashSet<>();
        for (Cluster cluster : stopped) {
            cluster.endpoints().forEach(e -> carriedOver.add(key(cluster, e)));
        }
        for (Cluster cluster : stopped) {
            for (EndpointChecker checker : checkersOf.getOrDefault(cluster, List.of())) {
                checker.stop();
                checkers.remove(checker.endpoint(), checker);
            }
            checkersOf.remove(cluster);
            OutlierDetector detector = detectors.remove(cluster);
            if (detector != null) {
                detector.stop();
            }
        }
        for (Cluster cluster : started) {
            startCluster(cluster, carriedOver);
        }
    }

    /** An endpoint's identity across reloads: its cluster's name and its address. */
    private static String key(Cluster cluster, Endpoint endpoint) {
        return cluster.name() + " " + endpoint.id();
    }

    /** @param carriedOver the endpoints (by {@link #key}) whose verdict a reload carried over */
    private synchronized void startCluster(Cluster cluster, Set<String> carriedOver) {
        cluster.config().health().check().ifPresent(check -> {
            if (check.initialState() == HealthCheckConfig.InitialState.UNHEALTHY && carriedOver.isEmpty()) {
                log.info("cluster {}: endpoints take traffic once their first health check passes; until "
                        + "then the panic threshold lets the cluster serve from all of them", cluster.name());
            }
            List<EndpointChecker> started = new ArrayList<>();
            for (Endpoint endpoint : cluster.endpoints()) {
                EventLoop loop = loops.next();
                EndpointChecker checker = new EndpointChecker(cluster, endpoint, check, loop,
                        probe(endpoint, check, loop, transport, cluster.config().tls()),
                        carriedOver.contains(key(cluster, endpoint)));
                checkers.put(endpoint, checker);
                started.add(checker);
                checker.start();
            }
            checkersOf.put(cluster, started);
        });
        if (cluster.config().health().check().isEmpty()) {
            // An endpoint that nothing checks any more (a reload removed its health_check) is not held
            // unhealthy by an old verdict.
            cluster.endpoints().forEach(e -> e.setPassingChecks(true, "no health_check configured any more"));
        }
        cluster.config().health().outlierDetection().ifPresent(outlier -> {
            OutlierDetector detector = new OutlierDetector(cluster, outlier, loops.next());
            detectors.put(cluster, detector);
            detector.start();
        });
        // After the checkers applied their initial_state: that is where an endpoint starts, not news. Each
        // endpoint's lastChange still says why it is in that state.
        events.watch(cluster);
        cluster.rebuild();
    }

    private static Probe probe(Endpoint endpoint, HealthCheckConfig check, EventLoop loop, Transport transport,
                               Optional<UpstreamTlsConfig> tls) {
        return switch (check.type()) {
            case TCP -> check.send().isPresent() || check.expect().isPresent()
                    ? new SendExpectProbe(connections(loop, transport, check), endpoint.address(), check)
                    : new TcpProbe(connections(loop, transport, check).option(ChannelOption.AUTO_READ, false),
                            endpoint.address(), check);
            case HTTP -> new HttpProbe(connections(loop, transport, check), endpoint, check, tls);
            case GRPC -> new GrpcProbe(connections(loop, transport, check), endpoint, check, tls);
            case UDP -> new DatagramProbe(new Bootstrap().group(loop).channel(transport.datagramChannel()),
                    endpoint.address(), check);
        };
    }

    /** The bootstrap a stream probe clones for each check's connection. */
    private static Bootstrap connections(EventLoop loop, Transport transport, HealthCheckConfig check) {
        return new Bootstrap()
                .group(loop)
                .channelFactory(transport::newSocketChannel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, check.timeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // A tcp check only connects; it reads nothing.
                    }
                });
    }

    /** Recent state changes of every endpoint checked here (and drains), for the dashboard and metrics. */
    public EndpointEvents events() {
        return events;
    }

    /** The last active-check transition of {@code endpoint} (reason and time), for the admin API. */
    public synchronized Optional<HealthTransition> lastTransition(Endpoint endpoint) {
        return Optional.ofNullable(checkers.get(endpoint)).map(EndpointChecker::lastTransition);
    }

    /** The latest ejection of {@code endpoint} by outlier detection (reason, time, length), for the admin API. */
    public synchronized Optional<Ejection> lastEjection(Endpoint endpoint) {
        for (OutlierDetector d : detectors.values()) {
            Optional<Ejection> e = d.lastEjection(endpoint);
            if (e.isPresent()) {
                return e;
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        checkers.values().forEach(EndpointChecker::stop);
        detectors.values().forEach(OutlierDetector::stop);
    }
}
