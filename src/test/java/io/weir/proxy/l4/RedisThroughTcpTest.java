package io.weir.proxy.l4;

import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** A real redis-server behind a tcp listener, driven by the real redis-cli. */
class RedisThroughTcpTest {

    private Process redis;
    private int redisPort;
    private WeirHarness weir;

    @BeforeEach
    void startRedis() throws Exception {
        assumeThat(onPath("redis-server") && onPath("redis-cli")).as("redis-server and redis-cli installed").isTrue();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            redisPort = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), redisPort)) {
                return true;
            }
        });
        weir = WeirHarness.start("""
                listeners:
                  - name: redis
                    protocol: tcp
                    listen: 127.0.0.1:0
                    cluster: redis
                clusters:
                  - name: redis
                    endpoints: [ 127.0.0.1:%d ]
                """.formatted(redisPort));
    }

    @AfterEach
    void stop() throws Exception {
        if (weir != null) {
            weir.close();
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void redisCliWorksThroughWeir() throws Exception {
        int port = weir.port("redis");
        assertThat(cli(port, "PING")).isEqualTo("PONG");
        assertThat(cli(port, "SET", "weir:key", "hello world")).isEqualTo("OK");
        assertThat(cli(port, "GET", "weir:key")).isEqualTo("hello world");
        // -x: the value (1 MiB, more than one socket buffer) comes from stdin.
        assertThat(cliWithInput(port, "v".repeat(1 << 20), "-x", "SET", "weir:big")).isEqualTo("OK");
        assertThat(cli(port, "STRLEN", "weir:big")).isEqualTo(String.valueOf(1 << 20));
        // Straight to redis: the value really is there.
        assertThat(cli(redisPort, "GET", "weir:key")).isEqualTo("hello world");
    }

    private static String cli(int port, String... command) throws IOException, InterruptedException {
        return cliWithInput(port, "", command);
    }

    private static String cliWithInput(int port, String input, String... command)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        args.addAll(List.of(command));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
