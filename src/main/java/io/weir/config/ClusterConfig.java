package io.weir.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A named pool of endpoints with one balancing algorithm.
 *
 * @param hashOn            for ring_hash / maglev: {@code source_ip}, {@code header:NAME}, {@code cookie:NAME},
 *                          {@code path}, {@code query:NAME}
 * @param connectTimeout    upstream TCP connect deadline
 * @param poolMaxIdle       idle upstream connections kept per endpoint per event loop
 * @param poolIdleTimeout   an idle pooled upstream connection is closed after this
 * @param upstreamTimeout   how long an upstream may take to send response headers after the request (504)
 * @param tuning            algorithm settings beyond the policy name (ring size, bounded load, slow-start shape, …)
 * @param health            active health checks, outlier detection and the panic threshold
 * @param retryBudget       how many retries the cluster takes at most, whatever the routes ask for
 * @param drainTimeout      how long a draining endpoint's in-flight requests may run before they are cut
 * @param proxyProtocol     the PROXY protocol header sent first on each upstream connection (tcp listeners)
 * @param tls               re-encryption to the endpoints (http clusters); empty = plain
 * @param sticky            cookie-insert session affinity; absent = none
 * @param protocol          what the endpoints speak: HTTP/1.1, or HTTP/2 (many streams over few connections)
 */
public record ClusterConfig(String name, BalancePolicy balance, Optional<String> hashOn,
                            List<EndpointConfig> endpoints, Duration connectTimeout, int poolMaxIdle,
                            Duration poolIdleTimeout, Duration upstreamTimeout, Optional<Duration> slowStart,
                            BalanceTuning tuning, HealthConfig health, RetryBudget retryBudget,
                            Duration drainTimeout, Optional<ProxyProtocolVersion> proxyProtocol,
                            Optional<UpstreamTlsConfig> tls, Optional<StickyConfig> sticky,
                            UpstreamProtocol protocol) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_POOL_MAX_IDLE = 64;
    public static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(60);
    public static final BalancePolicy DEFAULT_BALANCE = BalancePolicy.ROUND_ROBIN;
    /** What ring_hash and maglev hash when {@code hash_on} is not given. */
    public static final String DEFAULT_HASH_ON = "source_ip";
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final UpstreamProtocol DEFAULT_PROTOCOL = UpstreamProtocol.HTTP1;

    /** A cluster of HTTP/1.1 endpoints. */
    public ClusterConfig(String name, BalancePolicy balance, Optional<String> hashOn,
                         List<EndpointConfig> endpoints, Duration connectTimeout, int poolMaxIdle,
                         Duration poolIdleTimeout, Duration upstreamTimeout, Optional<Duration> slowStart,
                         BalanceTuning tuning, HealthConfig health, RetryBudget retryBudget,
                         Duration drainTimeout, Optional<ProxyProtocolVersion> proxyProtocol,
                         Optional<UpstreamTlsConfig> tls, Optional<StickyConfig> sticky) {
        this(name, balance, hashOn, endpoints, connectTimeout, poolMaxIdle, poolIdleTimeout, upstreamTimeout,
                slowStart, tuning, health, retryBudget, drainTimeout, proxyProtocol, tls, sticky, DEFAULT_PROTOCOL);
    }

    /**
     * {@code retry_budget: { percent: 20, min_per_second: 3 }}: retries in flight may be at most
     * {@code percent} of the cluster's requests in flight, and {@code min_per_second} are always allowed so a
     * quiet cluster can still retry. Retries multiply load exactly when endpoints are failing; the budget keeps
     * an outage from tripling itself.
     */
    public record RetryBudget(int percent, int minPerSecond) {
        public static final RetryBudget DEFAULT = new RetryBudget(20, 3);
    }

    /** The same cluster with another endpoint list (admin API edits, overlays). */
    public ClusterConfig withEndpoints(List<EndpointConfig> next) {
        return new ClusterConfig(name, balance, hashOn, next, connectTimeout, poolMaxIdle, poolIdleTimeout,
                upstreamTimeout, slowStart, tuning, health, retryBudget, drainTimeout, proxyProtocol, tls, sticky,
                protocol);
    }

    /**
     * Optional algorithm settings; empty / zero = the balancer's default.
     *
     * @param ringSize                  ring_hash: points per unit of weight ({@code ring_size})
     * @param maglevTableSize           maglev: prime lookup-table size ({@code maglev_table_size})
     * @param hashBalanceFactor         ring_hash / maglev bounded load, e.g. 1.25; 0 = off ({@code hash_balance_factor})
     * @param slowStartAggression       1 = linear ramp, higher = faster early ({@code slow_start_aggression})
     * @param slowStartMinWeightPercent floor of a ramping endpoint's weight ({@code slow_start_min_weight_percent})
     * @param latencyHalfLife           least_response_time: decay half-life of the latency average ({@code latency_half_life})
     */
    public record BalanceTuning(Optional<Integer> ringSize, Optional<Integer> maglevTableSize,
                                double hashBalanceFactor, Optional<Double> slowStartAggression,
                                Optional<Double> slowStartMinWeightPercent, Optional<Duration> latencyHalfLife) {
        public static final BalanceTuning DEFAULT = new BalanceTuning(Optional.empty(), Optional.empty(), 0,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * {@code { address: 127.0.0.1:9001, weight: 3, max_connections: 100 }} — weight defaults to 1; 0 drains
     * the endpoint. {@code maxConnections}: requests (http) or connections (tcp/udp flows) in flight at once;
     * at the limit the balancer skips the endpoint; 0 = no limit.
     */
    public record EndpointConfig(HostPort address, int weight, int maxConnections) {
        public static final int DEFAULT_WEIGHT = 1;
        public static final int MAX_WEIGHT = 1000;

        public EndpointConfig(HostPort address, int weight) {
            this(address, weight, 0);
        }
    }
}
