package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PowerOfTwoTest {

    @Test
    void idleSharesMatchWeights() {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4);
        Shares.assertMatchWeights(Shares.idle(PowerOfTwo.of(hosts, 42), hosts, 100_000), hosts);
    }

    @Test
    void outstandingLoadFollowsWeights() {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4);
        Shares.assertMatchWeights(Shares.staying(PowerOfTwo.of(hosts, 42), hosts, 100_000), hosts);
    }

    /** n balls into n bins: one random choice leaves a bin with ~ln n / ln ln n balls, two choices ~ln ln n. */
    @Test
    void ballsIntoBins() {
        int n = 100_000;
        assertThat(maxLoad(WeightedRandom.of(TestHost.many(n), 3), n)).isGreaterThanOrEqualTo(7);
        assertThat(maxLoad(PowerOfTwo.of(TestHost.many(n), 3), n)).isLessThanOrEqualTo(4);
    }

    private static int maxLoad(LoadBalancer<TestHost> lb, int balls) {
        int max = 0;
        for (int i = 0; i < balls; i++) {
            TestHost h = lb.pick(PickContext.NONE);
            h.outstanding++;
            max = Math.max(max, h.outstanding);
        }
        return max;
    }

    @Test
    void theTwoChoicesAreDistinctAndTheLighterWins() {
        List<TestHost> hosts = TestHost.weighted(1, 1);
        hosts.get(0).outstanding = 3;
        PowerOfTwo<TestHost> p2c = PowerOfTwo.of(hosts, 5);
        for (int i = 0; i < 100; i++) {
            assertThat(p2c.pick(PickContext.NONE)).isSameAs(hosts.get(1));
        }
    }

    @Test
    void avoidedHostOnlyWhenAlone() {
        List<TestHost> hosts = TestHost.weighted(1, 1, 1);
        hosts.get(2).available = false;
        PowerOfTwo<TestHost> p2c = PowerOfTwo.of(hosts, 5);
        for (int i = 0; i < 100; i++) {
            assertThat(p2c.pick(PickContext.NONE.avoiding(hosts.get(0)))).isSameAs(hosts.get(1));
        }
        hosts.get(1).available = false;
        assertThat(p2c.pick(PickContext.NONE.avoiding(hosts.get(0)))).isSameAs(hosts.get(0));
        hosts.get(0).available = false;
        assertThat(p2c.pick(PickContext.NONE)).isNull();
    }
}
