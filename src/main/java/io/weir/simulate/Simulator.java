package io.weir.simulate;

import java.util.ArrayList;
import java.util.List;

/** Runs every algorithm of a scenario on the same traffic. */
public final class Simulator {

    private Simulator() {
    }

    public static List<RunResult> run(Scenario scenario) {
        List<RunResult> results = new ArrayList<>();
        for (AlgorithmSpec algorithm : scenario.algorithms()) {
            results.add(new Simulation(scenario, algorithm).run());
        }
        return results;
    }
}
