package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

    @Test
    void idleSharesMatchWeights() {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4);
        Shares.assertMatchWeights(Shares.idle(LeastConnections.of(hosts), hosts, 100_000), hosts);
    }

    @Test
    void outstandingLoadFollowsWeights() {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4);
        Shares.assertMatchWeights(Shares.staying(LeastConnections.of(hosts), hosts, 100_000), hosts);
    }

    @Test
    void picksFewestOutstandingRelativeToWeight() {
        List<TestHost> hosts = TestHost.weighted(1, 4, 1);
        hosts.get(0).outstanding = 2; // 2 per weight
        hosts.get(1).outstanding = 4; // 1 per weight: best
        hosts.get(2).outstanding = 3; // 3 per weight
        LeastConnections<TestHost> lc = LeastConnections.of(hosts);
        for (int i = 0; i < 10; i++) {
            assertThat(lc.pick(PickContext.NONE)).isSameAs(hosts.get(1));
        }
    }

    @Test
    void tiesRotateInsteadOfAlwaysTakingTheFirst() {
        List<TestHost> hosts = TestHost.weighted(1, 1, 1, 1);
        hosts.get(3).outstanding = 5;
        LeastConnections<TestHost> lc = LeastConnections.of(hosts);
        Set<TestHost> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            seen.add(lc.pick(PickContext.NONE));
        }
        assertThat(seen).containsExactlyInAnyOrder(hosts.get(0), hosts.get(1), hosts.get(2));
    }

    @Test
    void avoidsTheFailedHostEvenWhenItIsLeastLoaded() {
        List<TestHost> hosts = TestHost.weighted(1, 1);
        hosts.get(1).outstanding = 10;
        LeastConnections<TestHost> lc = LeastConnections.of(hosts);
        assertThat(lc.pick(PickContext.NONE.avoiding(hosts.get(0)))).isSameAs(hosts.get(1));
        hosts.get(1).available = false;
        assertThat(lc.pick(PickContext.NONE.avoiding(hosts.get(0)))).isSameAs(hosts.get(0));
        hosts.get(0).available = false;
        assertThat(lc.pick(PickContext.NONE)).isNull();
    }
}
