package io.weir.testing;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code weir run} as a child process on the test classpath, for signals, exit codes and upgrades. */
public final class WeirProcess {

    private WeirProcess() {
    }

    /** Starts {@code weir run --config config [extra...]}, its output (both streams) in {@code log}. */
    public static Process start(Path config, Path log, String... extra) throws IOException {
        return start(List.of(), config, log, extra);
    }

    /**
     * As {@link #start(Path, Path, String...)}, logging as the shipped jar does (src/main/resources/logback.xml:
     * INFO, through the async appender) instead of the tests' logback-test.xml.
     */
    public static Process startWithShippedLogging(Path config, Path log, String... extra) throws IOException {
        URL shipped = WeirProcess.class.getClassLoader().getResource("logback.xml");
        assertThat(shipped).as("logback.xml on the classpath").isNotNull();
        return start(List.of("-Dlogback.configurationFile=" + shipped), config, log, extra);
    }

    private static Process start(List<String> jvmOptions, Path config, Path log, String... extra) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Dweir.eventLoops=2"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.weir.cli.Main", "run", "--config",
                config.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until {@code port} accepts; fails with the process's log if it exited first. */
    public static void awaitAccepting(Process weir, int port, Path log) throws IOException {
        await().atMost(30, TimeUnit.SECONDS).until(() -> Ports.accepts(port) || !weir.isAlive());
        assertThat(weir.isAlive()).as("weir started; log: %s", Files.readString(log)).isTrue();
    }
}
