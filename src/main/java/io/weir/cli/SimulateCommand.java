package io.weir.cli;

import io.weir.simulate.Report;
import io.weir.simulate.RunResult;
import io.weir.simulate.Scenario;
import io.weir.simulate.ScenarioLoader;
import io.weir.simulate.Simulator;
import io.weir.simulate.SvgChart;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weir simulate}: compare the balancing algorithms on a simulated pool, no sockets. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Runs the real balancing algorithms through a deterministic discrete-event simulation "
                + "of a pool of servers; prints latency percentiles, success rate, queues and shares.")
public final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "FILE",
            description = "A scenario file (YAML or JSON) or the name of a built-in (see --list).")
    String scenario;

    @Option(names = "--list", description = "List the built-in scenarios and exit.")
    boolean list;

    @Option(names = "--svg", paramLabel = "FILE", description = "Also write a chart of latency percentiles per algorithm.")
    Path svg;

    /** Runs the command on its own; {@code weir simulate} is the usual way in. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulateCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ScenarioLoader loader = new ScenarioLoader();
        if (list) {
            for (String name : loader.builtins()) {
                out.printf("%-22s %s%n", name, loader.load(name).description());
            }
            out.flush();
            return 0;
        }
        if (scenario == null) {
            err.println("simulate: give --scenario FILE (or a built-in name), or --list");
            err.flush();
            return 2;
        }
        Scenario s;
        try {
            s = loader.load(scenario);
        } catch (Exception e) {
            err.println("simulate: " + scenario + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        List<RunResult> results;
        try {
            results = Simulator.run(s);
        } catch (IllegalArgumentException e) {
            err.println("simulate: " + scenario + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        out.print(Report.text(s, results));
        if (svg != null) {
            Files.writeString(svg, SvgChart.render(s, results));
            out.println("\nchart written to " + svg);
        }
        out.flush();
        return 0;
    }
}
