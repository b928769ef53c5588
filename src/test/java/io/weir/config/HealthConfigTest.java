package io.weir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** health_check, outlier_detection and panic_threshold: defaults, values, and errors with positions. */
class HealthConfigTest {

    private static String cluster(String... lines) {
        StringBuilder yaml = new StringBuilder(Yaml.minimal(""));
        for (String line : lines) {
            yaml.append("    ").append(line).append('\n');
        }
        return yaml.toString();
    }

    private static HealthConfig health(String... lines) throws ConfigException {
        return Yaml.load(cluster(lines)).cluster("api").orElseThrow().health();
    }

    @Test
    void noHealthKeysMeansNoChecksAndTheDefaultPanicThreshold() throws Exception {
        assertThat(health()).isEqualTo(HealthConfig.DEFAULT);
        assertThat(HealthConfig.DEFAULT.panicThresholdPercent()).isEqualTo(50);
    }

    @Test
    void healthCheckDefaults() throws Exception {
        HealthCheckConfig c = health("health_check: { path: /healthz }").check().orElseThrow();
        assertThat(c.type()).isEqualTo(HealthCheckConfig.Type.HTTP);
        assertThat(c.path()).isEqualTo("/healthz");
        assertThat(c.method()).isEqualTo("GET");
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.jitter()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.healthyThreshold()).isEqualTo(2);
        assertThat(c.unhealthyThreshold()).isEqualTo(3);
        assertThat(c.initialState()).isEqualTo(HealthCheckConfig.InitialState.UNHEALTHY);
        assertThat(c.expects(200)).isTrue();
        assertThat(c.expects(399)).isTrue();
        assertThat(c.expects(404)).isFalse();
    }

    @Test
    void healthCheckWithEveryKey() throws Exception {
        HealthCheckConfig c = health("health_check:",
                "  type: http",
                "  path: /ready?deep=0",
                "  method: head",
                "  host: app.internal",
                "  headers: { x-probe: weir }",
                "  expected_statuses: [ 200, \"204-206\" ]",
                "  body_contains: OK",
                "  interval: 2s",
                "  jitter: 0",
                "  timeout: 500ms",
                "  healthy_threshold: 1",
                "  unhealthy_threshold: 2",
                "  initial_state: healthy",
                "panic_threshold: 30%").check().orElseThrow();
        assertThat(c.method()).isEqualTo("HEAD");
        assertThat(c.host()).contains("app.internal");
        assertThat(c.headers()).containsExactly(new RouteConfig.Header("x-probe", "weir"));
        assertThat(c.expectedStatuses()).containsExactly(new HealthCheckConfig.StatusRange(200, 200),
                new HealthCheckConfig.StatusRange(204, 206));
        assertThat(c.bodyContains()).contains("OK");
        assertThat(c.jitter()).isZero();
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.initialState()).isEqualTo(HealthCheckConfig.InitialState.HEALTHY);
    }

    @Test
    void outlierDetectionDefaultsAndOff() throws Exception {
        OutlierDetectionConfig o = health("outlier_detection: {}").outlierDetection().orElseThrow();
        assertThat(o).isEqualTo(new OutlierDetectionConfig(5, Duration.ofSeconds(30), Duration.ofSeconds(300), 10,
                Optional.of(OutlierDetectionConfig.SuccessRate.DEFAULT)));
        OutlierDetectionConfig off = health("outlier_detection: { consecutive_failures: 3, base_ejection_time: 100ms,",
                "  max_ejection_percent: 50%, success_rate: off }").outlierDetection().orElseThrow();
        assertThat(off.successRate()).isEmpty();
        assertThat(off.maxEjectionPercent()).isEqualTo(50);
        OutlierDetectionConfig sr = health("outlier_detection: { success_rate: { minimum_hosts: 3, "
                + "request_volume: 10, stdev_factor: 1, interval: 1s } }").outlierDetection().orElseThrow();
        assertThat(sr.successRate()).contains(new OutlierDetectionConfig.SuccessRate(3, 10, 1.0,
                Duration.ofSeconds(1)));
    }

    @Test
    void mistakesAreNamedWithTheirPosition() {
        assertThat(Yaml.errors(cluster(
                "health_check:",
                "  type: tcp",
                "  path: /healthz",
                "  expected_statuses: [ 200-199 ]",
                "  interval: 1s",
                "  timeout: 2s",
                "  intervall: 1s",
                "outlier_detection: { base_ejection_time: 1m, max_ejection_time: 10s }",
                "panic_threshold: 150%"))).containsExactly(
                "weir.yaml:12:7: health_check: path only applies to type: http",
                "weir.yaml:13:7: health_check: expected_statuses only applies to type: http",
                "weir.yaml:13:28: expected_statuses: expected statuses from 100 to 599, low to high; got '200-199'",
                "weir.yaml:15:16: health_check: timeout must not be longer than interval (1000ms), or probes would "
                        + "overlap",
                "weir.yaml:16:7: unknown key 'intervall' in health_check; expected one of: "
                        + String.join(", ", HealthBinder.CHECK_KEYS) + " (did you mean 'interval'?)",
                "weir.yaml:17:69: max_ejection_time must not be shorter than base_ejection_time (60000ms)",
                "weir.yaml:18:22: panic_threshold: expected a percentage from 0% to 100%; got '150%'");
    }

    @Test
    void aUdpCheckSendsADatagramAndMayExpectTheStartOfTheReply() throws Exception {
        HealthCheckConfig check = health("health_check: { type: udp, send: \"ping\", expect: pong }").check()
                .orElseThrow();
        assertThat(check.type()).isEqualTo(HealthCheckConfig.Type.UDP);
        assertThat(check.send()).contains("ping");
        assertThat(check.expect()).contains("pong");
        assertThat(Yaml.errors(cluster("health_check: { type: udp, path: /x }"))).containsExactly(
                "weir.yaml:10:21: health_check: type: udp needs send: the datagram to send (a udp endpoint answers "
                        + "only what it understands, e.g. a DNS query)",
                "weir.yaml:10:32: health_check: path only applies to type: http");
        assertThat(Yaml.errors(cluster("health_check: { type: http, send: x }"))).containsExactly(
                "weir.yaml:10:33: health_check: send only applies to type: tcp and type: udp");
    }

    @Test
    void percentParsesBothSpellings() {
        assertThat(List.of(HealthBinder.percent("50%"), HealthBinder.percent("0"), HealthBinder.percent(" 100 % ")))
                .containsExactly(50, 0, 100);
    }
}
