package io.weir.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One validated configuration: immutable, read by the hot path through {@code Runtime}'s snapshot. */
public record WeirConfig(Path source, Optional<AdminConfig> admin, List<ListenerConfig> listeners,
                         List<ClusterConfig> clusters, Optional<AccessLogConfig> accessLog) {

    public Optional<ClusterConfig> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
