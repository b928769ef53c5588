package io.weir.config;

import java.util.Optional;

/**
 * How a cluster decides which endpoints take traffic: active checks, passive outlier detection, and the
 * panic threshold that overrides both when too few endpoints are left. One component of
 * {@link ClusterConfig}, so health settings travel together.
 *
 * @param check                 {@code health_check}: none = endpoints are healthy unless ejected or drained
 * @param outlierDetection      {@code outlier_detection}: none = real traffic never ejects an endpoint
 * @param panicThresholdPercent {@code panic_threshold}: below this share of healthy endpoints, balance across all
 *                              of them; 0 turns panic mode off
 */
public record HealthConfig(Optional<HealthCheckConfig> check, Optional<OutlierDetectionConfig> outlierDetection,
                           int panicThresholdPercent) {

    public static final int DEFAULT_PANIC_THRESHOLD_PERCENT = 50;
    public static final HealthConfig DEFAULT = new HealthConfig(Optional.empty(), Optional.empty(),
            DEFAULT_PANIC_THRESHOLD_PERCENT);
}
