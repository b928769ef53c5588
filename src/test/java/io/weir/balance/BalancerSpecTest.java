package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BalancerSpecTest {

    @Test
    void defaults() {
        BalancerSpec spec = BalancerSpec.of(Policy.MAGLEV);
        assertThat(spec.maglevTableSize()).isEqualTo(65537);
        assertThat(spec.ringSize()).isEqualTo(RingHash.DEFAULT_POINTS_PER_WEIGHT);
        assertThat(spec.hashBalanceFactor()).isZero();
        assertThat(spec.hasSlowStart()).isFalse();
        assertThat(spec.lrtHalfLife()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rejectsNonsense() {
        BalancerSpec spec = BalancerSpec.of(Policy.RING_HASH);
        assertThatThrownBy(() -> spec.withMaglevTableSize(65536)).hasMessageContaining("prime");
        assertThatThrownBy(() -> spec.withHashBalanceFactor(0.5)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> spec.withRingSize(0)).hasMessageContaining("ring size");
        assertThatThrownBy(() -> spec.withSlowStart(Duration.ofSeconds(1), 0, 10)).hasMessageContaining("aggression");
        assertThatThrownBy(() -> spec.withSlowStart(Duration.ofSeconds(1), 1, 0)).hasMessageContaining("percent");
        assertThatThrownBy(() -> spec.withLrtHalfLife(Duration.ZERO)).hasMessageContaining("half-life");
    }

    @Test
    void maglevFactoryGrowsTheTableForABigPool() {
        BalancerSpec spec = BalancerSpec.of(Policy.MAGLEV);
        LoadBalancer<TestHost> lb = LoadBalancers.factory(spec, 1, System::nanoTime).create(TestHost.many(1000));
        assertThat(lb.pick(PickContext.ofHash(5))).isNotNull();
    }

    @Test
    void latencyTrackerUsesTheSpecsHalfLife() {
        FakeClock clock = new FakeClock();
        PeakEwma ewma = LoadBalancers.latencyTracker(BalancerSpec.of(Policy.LEAST_RESPONSE_TIME)
                .withLrtHalfLife(Duration.ofSeconds(1)), clock);
        ewma.observe(1000);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ewma.estimateNanos()).isEqualTo(500);
    }

    @Test
    void differentSeedsPickDifferently() {
        List<TestHost> hosts = TestHost.many(50);
        LoadBalancer<TestHost> a = LoadBalancers.factory(BalancerSpec.of(Policy.RANDOM), 1, System::nanoTime).create(hosts);
        LoadBalancer<TestHost> b = LoadBalancers.factory(BalancerSpec.of(Policy.RANDOM), 2, System::nanoTime).create(hosts);
        int same = 0;
        for (int i = 0; i < 1000; i++) {
            same += a.pick(PickContext.NONE) == b.pick(PickContext.NONE) ? 1 : 0;
        }
        assertThat(same).isLessThan(100);
    }
}
