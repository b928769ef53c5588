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
 */
public record WeirConfig(Path source, Optional<AdminConfig> admin, List<ListenerConfig> listeners,
                         List<ClusterConfig> clusters, Optional<AccessLogConfig> accessLog,
                         Duration shutdownTimeout, Optional<StateConfig> state) {

    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    /** The same configuration with another cluster list (admin API edits applied over the file). */
    public WeirConfig withClusters(List<ClusterConfig> next) {
        return new WeirConfig(source, admin, listeners, next, accessLog, shutdownTimeout, state);
    }

    public Optional<ClusterConfig> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
