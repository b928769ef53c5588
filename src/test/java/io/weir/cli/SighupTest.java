package io.weir.cli;

import io.weir.testing.Ports;
import io.weir.testing.WeirProcess;
import io.weir.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
            int port = Ports.free();
            Path config = dir.resolve("weir.yaml");
            Files.writeString(config, config(port, a.address()));
            weir = WeirProcess.start(config, dir.resolve("weir.log"));
            WeirProcess.awaitAccepting(weir, port, dir.resolve("weir.log"));
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
