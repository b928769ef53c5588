package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WeightedRandomTest {

    @Test
    void sharesMatchWeights() {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4);
        Shares.assertMatchWeights(Shares.idle(WeightedRandom.of(hosts, 42), hosts, 100_000), hosts);
    }

    @Test
    void sharesAmongAvailableHostsKeepTheirRatio() {
        List<TestHost> hosts = TestHost.weighted(1, 5, 3);
        hosts.get(1).available = false;
        int[] counts = Shares.idle(WeightedRandom.of(hosts, 7), hosts, 100_000);
        assertThat(counts[1]).isZero();
        assertThat(counts[0] / 100_000.0).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void sameSeedSameSequence() {
        List<TestHost> hosts = TestHost.weighted(1, 1, 1, 1, 1);
        WeightedRandom<TestHost> a = WeightedRandom.of(hosts, 99);
        WeightedRandom<TestHost> b = WeightedRandom.of(hosts, 99);
        for (int i = 0; i < 1000; i++) {
            assertThat(a.pick(PickContext.NONE)).isSameAs(b.pick(PickContext.NONE));
        }
    }

    @Test
    void avoidedHostOnlyWhenAlone() {
        List<TestHost> hosts = TestHost.weighted(100, 1);
        WeightedRandom<TestHost> wr = WeightedRandom.of(hosts, 1);
        for (int i = 0; i < 1000; i++) {
            assertThat(wr.pick(PickContext.NONE.avoiding(hosts.get(0)))).isSameAs(hosts.get(1));
        }
        hosts.get(1).available = false;
        assertThat(wr.pick(PickContext.NONE.avoiding(hosts.get(0)))).isSameAs(hosts.get(0));
        hosts.get(0).available = false;
        assertThat(wr.pick(PickContext.NONE)).isNull();
    }
}
