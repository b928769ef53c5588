package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeakEwmaTest {

    private final FakeClock clock = new FakeClock();
    private final PeakEwma ewma = new PeakEwma(clock, Duration.ofSeconds(10));

    @Test
    void emptyUntilTheFirstSample() {
        assertThat(ewma.hasSamples()).isFalse();
        assertThat(ewma.estimateNanos()).isZero();
        ewma.observe(5_000_000);
        assertThat(ewma.hasSamples()).isTrue();
        assertThat(ewma.estimateNanos()).isEqualTo(5_000_000);
    }

    @Test
    void aSlowResponseRaisesTheEstimateAtOnce() {
        ewma.observe(1_000_000);
        clock.advance(Duration.ofMillis(1));
        ewma.observe(900_000_000);
        assertThat(ewma.estimateNanos()).isEqualTo(900_000_000);
    }

    @Test
    void fastResponsesPullItDownWithTheHalfLife() {
        ewma.observe(100_000_000);
        clock.advance(Duration.ofSeconds(10));
        ewma.observe(0);
        // One half-life later the old figure weighs 1/2.
        assertThat((double) ewma.estimateNanos()).isCloseTo(50_000_000, within(10.0));
    }

    @Test
    void idleEstimateDecaysSoAShunnedHostIsRetried() {
        ewma.observe(100_000_000);
        clock.advance(Duration.ofSeconds(20));
        assertThat((double) ewma.estimateNanos()).isCloseTo(25_000_000, within(10.0));
    }
}
