package io.weir.cluster;

import io.weir.balance.PickContext;
import io.weir.config.ConfigLoader;
import io.weir.config.WeirConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Below panic_threshold healthy members, the cluster balances across all members instead of the few left. */
class PanicModeTest {

    private static Cluster cluster(String extra, int endpoints) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners: [ { name: web, listen: 127.0.0.1:0, routes: [ { cluster: app } ] } ]
                clusters:
                  - name: app
                """);
        yaml.append("    ").append(extra).append("\n    endpoints:\n");
        for (int i = 0; i < endpoints; i++) {
            yaml.append("      - 127.0.0.1:").append(9001 + i).append('\n');
        }
        WeirConfig config = ConfigLoader.parse(yaml.toString(), Path.of("t.yaml"), Map.of());
        return ClusterManager.build(config.clusters()).require("app");
    }

    private static Set<String> picks(Cluster cluster) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            Endpoint e = cluster.pick(PickContext.NONE);
            seen.add(e == null ? "none" : e.id());
        }
        return seen;
    }

    private static void checks(Cluster cluster, boolean passing, int... indexes) {
        for (int i : indexes) {
            cluster.endpoints().get(i).setPassingChecks(passing);
        }
        cluster.rebuild();
    }

    @Test
    void atTheThresholdOnlyHealthyEndpointsTakeTraffic() throws Exception {
        Cluster c = cluster("panic_threshold: 50%", 4);
        checks(c, false, 0, 1);
        assertThat(c.panicking()).isFalse();
        assertThat(picks(c)).containsExactlyInAnyOrder("127.0.0.1:9003", "127.0.0.1:9004");
    }

    @Test
    void belowTheThresholdEveryMemberTakesTrafficUntilEnoughRecover() throws Exception {
        Cluster c = cluster("panic_threshold: 50%", 4);
        checks(c, false, 0, 1, 2);
        assertThat(c.panicking()).isTrue();
        assertThat(picks(c)).hasSize(4).doesNotContain("none");
        checks(c, true, 1);
        assertThat(c.panicking()).isFalse();
        assertThat(picks(c)).containsExactlyInAnyOrder("127.0.0.1:9002", "127.0.0.1:9004");
    }

    @Test
    void ejectedEndpointsCountAsUnhealthyAndDrainingOnesAreNotMembers() throws Exception {
        Cluster c = cluster("balance: least_connections", 3);
        c.endpoints().get(0).setEjected(true);
        c.endpoints().get(1).setPassingChecks(false);
        c.endpoints().get(2).setState(EndpointState.DRAINING);
        c.rebuild();
        assertThat(c.panicking()).isTrue();
        assertThat(picks(c)).containsExactlyInAnyOrder("127.0.0.1:9001", "127.0.0.1:9002");
    }

    @Test
    void aRetryInPanicModeStillAvoidsTheEndpointThatFailed() throws Exception {
        Cluster c = cluster("panic_threshold: 100%", 2);
        checks(c, false, 0);
        Endpoint failed = c.endpoints().get(1);
        for (int i = 0; i < 10; i++) {
            assertThat(c.pick(PickContext.NONE.avoiding(failed))).isSameAs(c.endpoints().get(0));
        }
    }

    @Test
    void aZeroThresholdTurnsPanicOff() throws Exception {
        Cluster c = cluster("panic_threshold: 0", 2);
        checks(c, false, 0, 1);
        assertThat(c.panicking()).isFalse();
        assertThat(picks(c)).containsExactly("none");
    }

    @Test
    void everyPolicyHonoursPanic() throws Exception {
        for (String policy : List.of("round_robin", "least_connections", "power_of_two", "least_response_time",
                "random", "ring_hash", "maglev")) {
            Cluster c = cluster("balance: " + policy, 2);
            checks(c, false, 0, 1);
            assertThat(picks(c)).as(policy).doesNotContain("none");
        }
    }
}
