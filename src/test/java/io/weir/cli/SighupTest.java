package io.weir.cli;

import io.weir.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code weir run} as a real process: SIGHUP reloads the config file. */
class SighupTest {

    @TempDir
    Path dir;

    private Process weir;

    @AfterEach
    void stop() {
        if (weir != null) {
            weir.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String config(int port, String backend) {
        return """
                listeners:
                  - name: web
                    listen: 127.0.0.1:%d
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                """.formatted(port, backend);
    }

    @Test
    void sighupReloadsTheFile() throws Exception {
        try (TestBackend a = TestBackend.named("a"); TestBackend b = TestBackend.named("b")) {
            int port = freePort();
            Path config = dir.resolve("weir.yaml");
            Files.writeString(config, config(port, a.address()));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            weir = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                    "io.weir.cli.Main", "run", "--config", config.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("weir.log").toFile()).start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> accepts(port) || !weir.isAlive());
            assertThat(weir.isAlive()).as("weir started; log: %s", Files.readString(dir.resolve("weir.log"))).isTrue();
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();
            assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("a");

            Files.writeString(config, config(port, b.address()));
            new ProcessBuilder("kill", "-HUP", Long.toString(weir.pid())).start().waitFor();

            await().atMost(30, TimeUnit.SECONDS).until(() ->
                    client.send(request, HttpResponse.BodyHandlers.ofString()).body().equals("b"));
            assertThat(weir.isAlive()).isTrue();
        }
    }
}
