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
 */
public record ClusterConfig(String name, BalancePolicy balance, Optional<String> hashOn,
                            List<EndpointConfig> endpoints, Duration connectTimeout, int poolMaxIdle,
                            Duration poolIdleTimeout, Duration upstreamTimeout, Optional<Duration> slowStart) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_POOL_MAX_IDLE = 64;
    public static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(60);
    public static final BalancePolicy DEFAULT_BALANCE = BalancePolicy.ROUND_ROBIN;
    /** What ring_hash and maglev hash when {@code hash_on} is not given. */
    public static final String DEFAULT_HASH_ON = "source_ip";

    /** {@code { address: 127.0.0.1:9001, weight: 3 }} — weight defaults to 1; 0 drains the endpoint. */
    public record EndpointConfig(HostPort address, int weight) {
        public static final int DEFAULT_WEIGHT = 1;
        public static final int MAX_WEIGHT = 1000;
    }
}
