package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastResponseTimeTest {

    private final FakeClock clock = new FakeClock();

    private List<TestHost> hosts(int... weights) {
        List<TestHost> hosts = TestHost.weighted(weights);
        for (TestHost h : hosts) {
            h.latency = new PeakEwma(clock, Duration.ofSeconds(10));
        }
        return hosts;
    }

    @Test
    void outstandingLoadFollowsWeightsWhenLatenciesAreEqual() {
        List<TestHost> hosts = hosts(1, 2, 3, 4);
        hosts.forEach(h -> h.latency.observe(10_000_000));
        Shares.assertMatchWeights(Shares.staying(LeastResponseTime.of(hosts, 42, clock), hosts, 100_000), hosts);
    }

    @Test
    void unsampledPoolFallsBackToLeastOutstanding() {
        List<TestHost> hosts = hosts(1, 1, 1, 1);
        Shares.assertMatchWeights(Shares.staying(LeastResponseTime.of(hosts, 42, clock), hosts, 100_000), hosts);
    }

    @Test
    void shunsTheSlowHost() {
        List<TestHost> hosts = hosts(1, 1);
        hosts.get(0).latency.observe(2_000_000_000L);
        hosts.get(1).latency.observe(10_000_000L);
        hosts.get(1).outstanding = 20; // 10 ms × 21 is still cheaper than 2 s × 1
        LeastResponseTime<TestHost> lrt = LeastResponseTime.of(hosts, 1, clock);
        for (int i = 0; i < 100; i++) {
            assertThat(lrt.pick(PickContext.NONE)).isSameAs(hosts.get(1));
        }
    }

    @Test
    void aNewHostIsPricedAtTheMedianNotAtZero() {
        List<TestHost> hosts = hosts(1, 1, 1, 1);
        hosts.get(0).latency.observe(10_000_000);
        hosts.get(1).latency.observe(10_000_000);
        hosts.get(2).latency.observe(30_000_000);
        TestHost fresh = hosts.get(3);
        fresh.outstanding = 5; // priced at zero it would still win; at the median (10 ms) × 6 it loses
        LeastResponseTime<TestHost> lrt = LeastResponseTime.of(hosts, 3, clock);
        for (int i = 0; i < 1000; i++) {
            assertThat(lrt.pick(PickContext.NONE)).isNotSameAs(fresh);
        }
        fresh.outstanding = 0; // at the median × 1 it beats the 30 ms host and ties the 10 ms ones
        int freshPicks = 0;
        for (int i = 0; i < 1000; i++) {
            freshPicks += lrt.pick(PickContext.NONE) == fresh ? 1 : 0;
        }
        assertThat(freshPicks).isBetween(200, 400);
    }

    @Test
    void avoidedHostOnlyWhenAlone() {
        List<TestHost> hosts = hosts(1, 1, 1);
        hosts.get(0).latency.observe(1_000); // the fastest, but avoided
        LeastResponseTime<TestHost> lrt = LeastResponseTime.of(hosts, 5, clock);
        for (int i = 0; i < 100; i++) {
            assertThat(lrt.pick(PickContext.NONE.avoiding(hosts.get(0)))).isNotSameAs(hosts.get(0));
        }
        hosts.get(1).available = false;
        hosts.get(2).available = false;
        assertThat(lrt.pick(PickContext.NONE.avoiding(hosts.get(0)))).isSameAs(hosts.get(0));
        hosts.get(0).available = false;
        assertThat(lrt.pick(PickContext.NONE)).isNull();
    }
}
