package io.weir.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {

    private final ScenarioLoader loader = new ScenarioLoader();

    private static Map<String, RunResult> byName(List<RunResult> results) {
        return results.stream().collect(Collectors.toMap(RunResult::algorithm, Function.identity()));
    }

    @Test
    void sameSeedSameOutput() throws Exception {
        Scenario s = loader.load("nat-skew");
        assertThat(Report.text(s, Simulator.run(s))).isEqualTo(Report.text(s, Simulator.run(s)));
        Scenario t = loader.load("identical");
        assertThat(SvgChart.render(t, Simulator.run(t))).isEqualTo(SvgChart.render(t, Simulator.run(t)));
    }

    /** The regime of Buoyant's published figures: rr ≈ 95%, least-loaded ≈ 99%, peak EWMA ≈ 99.9%. */
    @Test
    void slowServerOrdersRoundRobinBelowLeastLoadedBelowPeakEwma() throws Exception {
        Map<String, RunResult> r = byName(Simulator.run(loader.load("slow-server")));
        double rr = r.get("round_robin").successRate();
        double leastLoaded = r.get("power_of_two").successRate();
        double leastConnections = r.get("least_connections").successRate();
        double ewma = r.get("least_response_time").successRate();
        assertThat(rr).isLessThan(leastLoaded).isLessThan(leastConnections);
        assertThat(Math.max(leastLoaded, leastConnections)).isLessThan(ewma);
        assertThat(rr).isBetween(0.94, 0.96);
        assertThat(ewma).isGreaterThan(0.998);
        assertThat(r.get("least_response_time").shareToSlow()).isLessThan(r.get("power_of_two").shareToSlow());
    }

    @Test
    void boundedLoadRescuesTheNatSkew() throws Exception {
        Map<String, RunResult> r = byName(Simulator.run(loader.load("nat-skew")));
        assertThat(r.get("maglev").successRate()).isLessThan(0.9);
        assertThat(r.get("maglev+bound1.25").successRate()).isGreaterThan(0.999);
        assertThat(r.get("ring_hash+bound1.25").maxQueue()).isLessThan(r.get("ring_hash").maxQueue());
    }

    @Test
    void addingAServerToAHashedPoolMovesAboutOneEleventhOfTheKeys() throws Exception {
        Map<String, RunResult> r = byName(Simulator.run(loader.load("add-server")));
        assertThat(r.get("ring_hash").keysMoved()).isBetween(0.06, 0.12);
        assertThat(r.get("maglev").keysMoved()).isBetween(0.06, 0.12);
        assertThat(r.get("maglev").sentPerServer()).containsKey("s11");
    }

    @Test
    void slowStartSparesAColdServer() throws Exception {
        Map<String, RunResult> r = byName(Simulator.run(loader.load("cold-restart")));
        assertThat(r.get("round_robin+slowstart").successRate()).isGreaterThan(r.get("round_robin").successRate());
        assertThat(r.get("least_connections+slowstart").shareToSlow()).isLessThan(r.get("least_connections").shareToSlow());
        assertThat(r.get("power_of_two+slowstart").p999Nanos()).isLessThan(r.get("power_of_two").p999Nanos());
    }

    @Test
    void everyBuiltinLoads() throws Exception {
        assertThat(loader.builtins()).contains("identical", "mixed-hardware", "long-request", "slow-server",
                "nat-skew", "add-server", "cold-restart");
        for (String name : loader.builtins()) {
            assertThat(loader.load(name).name()).isEqualTo(name);
        }
    }

    @Test
    void readsJsonFilesAndRejectsUnknownKeys(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("tiny.json");
        Files.writeString(ok, """
                {"name": "tiny", "seed": 9, "duration": "2s", "rate": 100,
                 "servers": [{"id": "a"}, {"id": "b", "weight": 3}],
                 "cost": {"distribution": "pareto", "mean": "5ms", "alpha": 1.2},
                 "events": [{"at": "1s", "action": "die", "server": "a"}],
                 "algorithms": ["round_robin", {"policy": "maglev", "hashBalanceFactor": 1.5}]}
                """);
        Scenario s = loader.load(ok.toString());
        List<RunResult> results = Simulator.run(s);
        assertThat(results).extracting(RunResult::algorithm).containsExactly("round_robin", "maglev+bound1.5");
        assertThat(results.get(0).failed()).isLessThan(5);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nrate: 1\nservers: [{id: a}]\nspeeed: 3\n");
        assertThatThrownBy(() -> loader.load(bad.toString())).hasMessageContaining("speeed");
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "name: typo\nrate: 1\nservers: [{id: s, count: 2}]\n"
                + "events: [{at: 1s, action: die, server: s3}]\n");
        assertThatThrownBy(() -> loader.load(typo.toString())).hasMessageContaining("names no server: s3");
    }
}
