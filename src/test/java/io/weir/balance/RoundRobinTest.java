package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

    @Test
    void smoothOrderFor511() {
        List<TestHost> hosts = TestHost.weighted(5, 1, 1);
        RoundRobin<TestHost> rr = RoundRobin.of(hosts);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            order.add(rr.pick(PickContext.NONE).id());
        }
        // a a b a c a a, twice
        assertThat(order).containsExactly("h0", "h0", "h1", "h0", "h2", "h0", "h0",
                "h0", "h0", "h1", "h0", "h2", "h0", "h0");
    }

    @Test
    void sharesMatchWeights() {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4);
        Shares.assertMatchWeights(Shares.idle(RoundRobin.of(hosts), hosts, 100_000), hosts);
    }

    @Test
    void skipsUnavailableAndAvoided() {
        List<TestHost> hosts = TestHost.weighted(1, 1, 1);
        hosts.get(1).available = false;
        RoundRobin<TestHost> rr = RoundRobin.of(hosts);
        PickContext avoid0 = PickContext.NONE.avoiding(hosts.get(0));
        for (int i = 0; i < 100; i++) {
            assertThat(rr.pick(avoid0)).isSameAs(hosts.get(2));
        }
    }

    @Test
    void findsTheAvailableHostWhileOtherThreadsMoveTheCursor() {
        // Two hosts, the first one down. Another event loop picks between this pick's steps (simulated: the down
        // host's availability check runs a pick of its own), so this pick's own steps land on the down host only.
        List<TestHost> hosts = TestHost.weighted(1, 1);
        List<RoundRobin<TestHost>> rr = new ArrayList<>(1);
        TestHost down = new TestHost("down", 1) {
            boolean inner;

            @Override
            public boolean isAvailable() {
                if (!inner) {
                    inner = true;
                    rr.get(0).pick(PickContext.NONE);
                    inner = false;
                }
                return false;
            }
        };
        hosts.set(0, down);
        rr.add(RoundRobin.of(hosts));
        for (int i = 0; i < 10; i++) {
            assertThat(rr.get(0).pick(PickContext.NONE)).as("pick %d", i).isSameAs(hosts.get(1));
        }
    }
}
