package io.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new SimulateCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void listsBuiltins() {
        assertThat(run("--list")).isZero();
        assertThat(out.toString()).contains("slow-server").contains("nat-skew");
    }

    @Test
    void runsABuiltinAndWritesTheChart(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("chart.svg");
        assertThat(run("--scenario", "long-request", "--svg", svg.toString())).isZero();
        assertThat(out.toString()).contains("least_connections").contains("p99.9 ms");
        assertThat(Files.readString(svg)).startsWith("<svg").contains("round_robin").endsWith("</svg>\n");
    }

    @Test
    void explainsAMissingOrBadScenario() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("--scenario");
        assertThat(run("--scenario", "/nonexistent.yaml")).isEqualTo(1);
        assertThat(err.toString()).contains("/nonexistent.yaml");
    }
}
