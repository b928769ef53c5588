package io.weir.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) { }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void validateAcceptsAValidFile() throws Exception {
        Path file = dir.resolve("ok.yaml");
        Files.writeString(file, """
                listeners:
                  - name: web
                    listen: 127.0.0.1:8080
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "127.0.0.1:9001" ]
                """);
        Result r = run("validate", "--config", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("ok");
    }

    @Test
    void validateAndRunRefuseABadFileWithOneLinePerProblem() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                listeners:
                  - name: web
                    lisen: 127.0.0.1:8080
                    routes:
                      - cluster: missing
                clusters:
                  - name: app
                    endpoints: [ "127.0.0.1:99999" ]
                """);
        for (String command : List.of("validate", "run")) {
            Result r = run(command, "--config", file.toString());
            assertThat(r.exit()).as(command).isNotZero();
            List<String> lines = new ArrayList<>(r.err().lines().toList());
            assertThat(lines).as(command).hasSizeGreaterThanOrEqualTo(3)
                    .allMatch(l -> l.matches(".*bad\\.yaml:\\d+:\\d+: .+"), "file:line:col: message");
            assertThat(r.err()).contains("bad.yaml:3:5: unknown key 'lisen'").contains("missing")
                    .contains("99999");
        }
    }

    @Test
    void aPortInUseIsOneLineThatNamesTheListener() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThat(runOn("", "127.0.0.1:" + port)).isEqualTo("weir: listener web: cannot listen on 127.0.0.1:"
                    + port + ": Address already in use");
            assertThat(runOn("admin: { listen: 127.0.0.1:" + port + " }\n", "127.0.0.1:0")).isEqualTo(
                    "weir: admin listener: cannot listen on 127.0.0.1:" + port + ": Address already in use");
        }
    }

    @Test
    void aDemoBackendPortInUseIsOneLineThatNamesTheBackend() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            // backend-1 gets the first of the three backend ports.
            Result r = run("demo", "--port", "0", "--admin-port", "0", "--backend-port", Integer.toString(port));
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("weir: demo backend-1: cannot listen on 127.0.0.1:" + port
                    + ": Address already in use");
        }
    }

    /** {@code weir run} with {@code admin} lines and the listener's address; expects exit 1 and returns stderr. */
    private String runOn(String admin, String listen) throws Exception {
        Path file = dir.resolve("busy.yaml");
        Files.writeString(file, admin + """
                listeners:
                  - name: web
                    listen: %s
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "127.0.0.1:9001" ]
                """.formatted(listen));
        Result r = run("run", "--config", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        return r.err().strip();
    }

    @Test
    void missingFileIsReported() {
        Result r = run("validate", "--config", dir.resolve("nope.yaml").toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("nope.yaml");
    }

    @Test
    void versionAndHelpOnEveryCommand() {
        assertThat(run("--version").out()).startsWith("weir ");
        for (String command : List.of("run", "validate", "demo")) {
            Result r = run(command, "--help");
            assertThat(r.exit()).as(command).isZero();
            assertThat(r.out()).as(command).contains("Usage: weir " + command);
        }
    }

    @Test
    void demoBalancesAcrossItsThreeBackendsAndPrintsWhatToTry() throws Exception {
        int backendPort = freeConsecutivePorts(3);
        try (DemoCommand.Demo demo = DemoCommand.Demo.start(0, backendPort, 0)) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            demo.printTryLines(new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("curl");
            int port = demo.weir().address("demo").getPort();
            HttpClient client = HttpClient.newHttpClient();
            StringBuilder order = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                order.append(body.charAt("hello from backend-".length()));
            }
            // Smooth weighted round robin (3,1,1); each Weir starts at its own seeded point of the cycle.
            assertThat("1213112131").contains(order.toString());
        }
    }

    /** A run of three free ports (best effort: free now, hopefully still free when the demo binds). */
    private static int freeConsecutivePorts(int n) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket s = new ServerSocket(0)) {
                base = s.getLocalPort();
            }
            if (base + n > 65535) {
                continue;
            }
            boolean free = true;
            for (int i = 1; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i)) {
                    free = true;
                } catch (Exception e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free ports");
    }
}
