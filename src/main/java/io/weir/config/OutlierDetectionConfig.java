package io.weir.config;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code outlier_detection}: ejecting endpoints that fail on real traffic.
 *
 * @param consecutiveFailures 5xx answers or gateway failures (refused, reset, timeout) in a row that eject
 * @param baseEjectionTime    the first ejection lasts this; the n-th lasts n times this
 * @param maxEjectionTime     the cap on one ejection
 * @param maxEjectionPercent  at most this share of the cluster is ejected at once (at least one endpoint may be)
 * @param successRate         statistical ejection; empty when {@code success_rate: off}
 */
public record OutlierDetectionConfig(int consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime,
                                     int maxEjectionPercent, Optional<SuccessRate> successRate) {

    public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
    public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;

    /**
     * Every {@code interval}, an endpoint whose success rate is below mean − stdevFactor × stddev of the
     * cluster's rates is ejected; only endpoints with {@code requestVolume} requests in the interval count,
     * and only when at least {@code minimumHosts} of them do.
     */
    public record SuccessRate(int minimumHosts, int requestVolume, double stdevFactor, Duration interval) {
        public static final SuccessRate DEFAULT = new SuccessRate(5, 100, 1.9, Duration.ofSeconds(10));
    }
}
