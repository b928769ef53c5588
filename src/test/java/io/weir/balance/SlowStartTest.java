package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowStartTest {

    private final FakeClock clock = new FakeClock();

    private LoadBalancer<TestHost> balancer(Policy policy, List<TestHost> hosts, double aggression) {
        BalancerSpec spec = BalancerSpec.of(policy).withSlowStart(Duration.ofSeconds(30), aggression, 10);
        return LoadBalancers.factory(spec, 1, clock).create(hosts);
    }

    /** The fresh host's share of 10,000 idle picks, after the decorator's step has passed. */
    private double freshShare(LoadBalancer<TestHost> lb, List<TestHost> hosts) {
        int[] counts = Shares.idle(lb, hosts, 10_000);
        return counts[0] / 10_000.0;
    }

    @Test
    void rampsLinearlyFromTheFloorToFullWeight() {
        List<TestHost> hosts = TestHost.weighted(1, 1);
        hosts.get(0).availableSince = clock.getAsLong();
        LoadBalancer<TestHost> lb = balancer(Policy.ROUND_ROBIN, hosts, 1.0);
        // t = 0: floor of 10% of weight 1 against weight 1 → 0.1 / 1.1
        assertThat(freshShare(lb, hosts)).isCloseTo(0.1 / 1.1, within(0.005));
        clock.advance(Duration.ofSeconds(15)); // half the window: factor 0.5
        lb.pick(PickContext.NONE);
        assertThat(freshShare(lb, hosts)).isCloseTo(0.5 / 1.5, within(0.005));
        clock.advance(Duration.ofSeconds(15)); // the window is over
        lb.pick(PickContext.NONE);
        assertThat(freshShare(lb, hosts)).isCloseTo(0.5, within(0.005));
    }

    @Test
    void aggressionRampsFasterEarly() {
        List<TestHost> hosts = TestHost.weighted(1, 1);
        hosts.get(0).availableSince = clock.getAsLong();
        LoadBalancer<TestHost> lb = balancer(Policy.ROUND_ROBIN, hosts, 2.0);
        clock.advance(Duration.ofMillis(7500)); // (1/4)^(1/2) = 0.5
        lb.pick(PickContext.NONE);
        assertThat(freshShare(lb, hosts)).isCloseTo(0.5 / 1.5, within(0.005));
    }

    @Test
    void factorFollowsEnvoysFormula() {
        SlowStart slow = new SlowStart(RoundRobin.WEIGHTED, Duration.ofSeconds(10), 1.5, 20, clock);
        long t0 = 0;
        assertThat(slow.factor(t0, t0)).isEqualTo(0.2);
        assertThat(slow.factor(t0, t0 + 500_000_000L)).isEqualTo(0.2); // 0.05^(2/3) = 0.136: the floor holds
        assertThat(slow.factor(t0, t0 + 1_000_000_000L)).isCloseTo(Math.pow(0.1, 1 / 1.5), within(1e-9));
        assertThat(slow.factor(t0, t0 + 5_000_000_000L)).isCloseTo(Math.pow(0.5, 1 / 1.5), within(1e-9));
        assertThat(slow.factor(t0, t0 + 10_000_000_000L)).isEqualTo(1.0);
        assertThat(slow.factor(Long.MIN_VALUE, t0)).isEqualTo(1.0);
    }

    @Test
    void aHostThatComesBackLaterRampsWithoutASnapshotRebuild() {
        List<TestHost> hosts = TestHost.weighted(1, 1);
        LoadBalancer<TestHost> lb = balancer(Policy.ROUND_ROBIN, hosts, 1.0);
        assertThat(freshShare(lb, hosts)).isCloseTo(0.5, within(0.005));
        hosts.get(0).availableSince = clock.getAsLong();
        clock.advance(Duration.ofSeconds(1)); // past one step (30 s / 32): the decorator notices
        lb.pick(PickContext.NONE);
        assertThat(freshShare(lb, hosts)).isCloseTo(0.1 / 1.1, within(0.01));
    }

    @Test
    void worksWithEveryPolicy() {
        for (Policy policy : Policy.values()) {
            List<TestHost> hosts = TestHost.weighted(1, 1);
            hosts.get(0).availableSince = clock.getAsLong();
            LoadBalancer<TestHost> lb = balancer(policy, hosts, 1.0);
            int fresh = 0;
            for (int i = 0; i < 20_000; i++) {
                TestHost h = lb.pick(policy.isHashBased() ? PickContext.ofHash(Hashing.mix64(i)) : PickContext.NONE);
                fresh += h == hosts.get(0) ? 1 : 0;
            }
            // Load-aware policies on idle hosts see ties, broken by the ramped weights; all give a trickle.
            assertThat(fresh / 20_000.0).as("%s", policy).isLessThan(0.2);
        }
    }
}
