package io.weir.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One validated configuration: immutable, read by the hot path through {@code Runtime}'s snapshot.
 *
 * @param shutdownTimeout on SIGTERM, how long in-flight requests may take to finish before Weir closes anyway
 * @param state           the store shared by several nodes (Redis); absent = each node keeps its own
 * @param l4AccessLog     one line per tcp connection and udp flow; absent = not logged
 */
public record WeirConfig(Path source, Optional<AdminConfig> admin, List<ListenerConfig> listeners,
                         List<ClusterConfig> clusters, Optional<AccessLogConfig> accessLog,
                         Duration shutdownTimeout, Optional<StateConfig> state, Optional<AccessLogConfig> l4AccessLog) {

    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    /** Without an L4 access log. */
    public WeirConfig(Path source, Optional<AdminConfig> admin, List<ListenerConfig> listeners,
                      List<ClusterConfig> clusters, Optional<AccessLogConfig> accessLog,
                      Duration shutdownTimeout, Optional<StateConfig> state) {
        this(source, admin, listeners, clusters, accessLog, shutdownTimeout, state, Optional.empty());
    }

    /** The same configuration with another cluster list (admin API edits applied over the file). */
    public WeirConfig withClusters(List<ClusterConfig> next) {
        return new WeirConfig(source, admin, listeners, next, accessLog, shutdownTimeout, state, l4AccessLog);
    }

    public Optional<ClusterConfig> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
