package io.weir.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code health_check}: an active probe sent to every endpoint of a cluster on its own connections.
 *
 * @param type               {@code tcp} (a connect), {@code http} (a request, judged by status and body),
 *                           {@code grpc} (grpc.health.v1.Health/Check over h2, passing on SERVING) or
 *                           {@code udp} (a datagram sent, a reply expected)
 * @param path               http: the request target
 * @param method             http: the request method
 * @param host               http: the Host header, grpc: the :authority; the endpoint's address when empty
 * @param headers            http: extra request headers
 * @param expectedStatuses   http: statuses that pass
 * @param bodyContains       http: a substring the response body must contain to pass
 * @param interval           time between the end of one probe and the start of the next
 * @param jitter             up to this much is added at random to each interval, so checks spread out
 * @param timeout            a probe that takes longer fails ("timeout after 1s")
 * @param healthyThreshold   consecutive passes that make an unhealthy endpoint healthy (rise)
 * @param unhealthyThreshold consecutive failures that make a healthy endpoint unhealthy (fall)
 * @param initialState       the state before the first result; {@code UNHEALTHY} becomes healthy on the first pass
 * @param send               tcp: bytes sent after connecting; udp: the datagram sent (required)
 * @param expect             tcp, udp: text the answer must start with
 * @param service            grpc: the service name asked about; empty = the server as a whole
 */
public record HealthCheckConfig(Type type, String path, String method, Optional<String> host,
                                List<RouteConfig.Header> headers, List<StatusRange> expectedStatuses,
                                Optional<String> bodyContains, Duration interval, Duration jitter, Duration timeout,
                                int healthyThreshold, int unhealthyThreshold, InitialState initialState,
                                Optional<String> send, Optional<String> expect, Optional<String> service) {

    /** The same check without a gRPC service name. */
    public HealthCheckConfig(Type type, String path, String method, Optional<String> host,
                             List<RouteConfig.Header> headers, List<StatusRange> expectedStatuses,
                             Optional<String> bodyContains, Duration interval, Duration jitter, Duration timeout,
                             int healthyThreshold, int unhealthyThreshold, InitialState initialState,
                             Optional<String> send, Optional<String> expect) {
        this(type, path, method, host, headers, expectedStatuses, bodyContains, interval, jitter, timeout,
                healthyThreshold, unhealthyThreshold, initialState, send, expect, Optional.empty());
    }

    /** The same check without send/expect: what most callers build. */
    public HealthCheckConfig(Type type, String path, String method, Optional<String> host,
                             List<RouteConfig.Header> headers, List<StatusRange> expectedStatuses,
                             Optional<String> bodyContains, Duration interval, Duration jitter, Duration timeout,
                             int healthyThreshold, int unhealthyThreshold, InitialState initialState) {
        this(type, path, method, host, headers, expectedStatuses, bodyContains, interval, jitter, timeout,
                healthyThreshold, unhealthyThreshold, initialState, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public enum Type { TCP, HTTP, GRPC, UDP }

    public enum InitialState { UNHEALTHY, HEALTHY }

    public static final Type DEFAULT_TYPE = Type.HTTP;
    public static final String DEFAULT_PATH = "/";
    public static final String DEFAULT_METHOD = "GET";
    public static final List<StatusRange> DEFAULT_EXPECTED_STATUSES = List.of(new StatusRange(200, 399));
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** The default jitter is this share of the interval. */
    public static final int DEFAULT_JITTER_PERCENT = 10;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    public static final InitialState DEFAULT_INITIAL_STATE = InitialState.UNHEALTHY;

    /** Whether {@code status} is one of the expected ones. */
    public boolean expects(int status) {
        for (StatusRange r : expectedStatuses) {
            if (r.contains(status)) {
                return true;
            }
        }
        return false;
    }

    /** {@code "200-399"} or {@code "204"}: inclusive. */
    public record StatusRange(int from, int to) {
        public boolean contains(int status) {
            return status >= from && status <= to;
        }

        @Override
        public String toString() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }
}
