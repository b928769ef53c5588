package io.weir.health;

import io.weir.config.HealthCheckConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Rise and fall: thresholds in a row, interrupted streaks start over, the first result from unknown decides. */
class HealthTrackerTest {

    private static HealthTracker tracker(int rise, int fall, HealthCheckConfig.InitialState initial) {
        return new HealthTracker(new HealthCheckConfig(HealthCheckConfig.Type.TCP, "/", "GET", Optional.empty(),
                List.of(), HealthCheckConfig.DEFAULT_EXPECTED_STATUSES, Optional.empty(), Duration.ofSeconds(1),
                Duration.ZERO, Duration.ofSeconds(1), rise, fall, initial), 0);
    }

    private static final ProbeResult PASS = ProbeResult.pass("status 200");
    private static final ProbeResult FAIL = ProbeResult.fail("status 503");

    @Test
    void fromUnhealthyTheFirstPassIsEnough() {
        HealthTracker t = tracker(3, 2, HealthCheckConfig.InitialState.UNHEALTHY);
        assertThat(t.healthy()).isFalse();
        HealthTransition up = t.record(PASS, 5);
        assertThat(up.healthy()).isTrue();
        assertThat(up.reason()).isEqualTo("first check passed: status 200");
        assertThat(up.atMillis()).isEqualTo(5);
    }

    @Test
    void aFirstFailureIsReportedButChangesNothing() {
        HealthTracker t = tracker(2, 2, HealthCheckConfig.InitialState.UNHEALTHY);
        assertThat(t.record(ProbeResult.fail("connection refused"), 1).reason())
                .isEqualTo("first check failed: connection refused");
        assertThat(t.healthy()).isFalse();
        assertThat(t.record(PASS, 2)).isNull();
        assertThat(t.record(PASS, 3).reason()).isEqualTo("status 200 (2 passes in a row)");
    }

    @Test
    void fallNeedsThresholdFailuresInARow() {
        HealthTracker t = tracker(2, 3, HealthCheckConfig.InitialState.HEALTHY);
        assertThat(t.record(FAIL, 1)).isNull();
        assertThat(t.record(FAIL, 2)).isNull();
        assertThat(t.record(PASS, 3)).isNull();
        assertThat(t.record(FAIL, 4)).isNull();
        assertThat(t.record(FAIL, 5)).isNull();
        HealthTransition down = t.record(FAIL, 6);
        assertThat(down.healthy()).isFalse();
        assertThat(down.reason()).isEqualTo("status 503 (3 failures in a row)");
        assertThat(t.last()).isEqualTo(down);
    }

    @Test
    void riseNeedsThresholdPassesInARow() {
        HealthTracker t = tracker(2, 1, HealthCheckConfig.InitialState.HEALTHY);
        assertThat(t.record(FAIL, 1).healthy()).isFalse();
        assertThat(t.record(PASS, 2)).isNull();
        assertThat(t.record(FAIL, 3)).isNull();
        assertThat(t.record(PASS, 4)).isNull();
        assertThat(t.record(PASS, 5).healthy()).isTrue();
    }

    @Test
    void reasonsReadLikeTheLog() {
        assertThat(Reasons.timeout(Duration.ofSeconds(1))).isEqualTo("timeout after 1s");
        assertThat(Reasons.human(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Reasons.human(Duration.ofMillis(100))).isEqualTo("100ms");
    }
}
