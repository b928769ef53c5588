package io.weir.admin;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.weir.config.ConfigException;
import io.weir.config.ConfigLoader;
import io.weir.runtime.Weir;
import io.weir.testing.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The admin token from a file ({@code token_file}): read at start and again on reload (rotation), a missing or
 * empty file refused with its position; reads need the token when the admin listener is bound beyond loopback
 * (probes excepted); a wrong or missing token gets 401 and is logged.
 */
class AdminTokenTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static int get(Weir weir, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.adminAddress().getPort()
                + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int post(Weir weir, String path, String token) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.adminAddress().getPort()
                        + path)).header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Path config(String admin, TestBackend backend) throws Exception {
        Path config = dir.resolve("weir.yaml");
        Files.writeString(config, """
                admin: %s
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                """.formatted(admin, backend.address()));
        return config;
    }

    @Test
    void beyondLoopbackReadsNeedTheTokenFromTheFileWhichAReloadReReads() throws Exception {
        Files.writeString(dir.resolve("token"), "s3cret\n");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger adminLog = (Logger) LoggerFactory.getLogger(AdminServer.class);
        logged.start();
        adminLog.addAppender(logged);
        try (TestBackend backend = TestBackend.named("a");
             Weir weir = Weir.start(ConfigLoader.load(config("{ listen: 0.0.0.0:0, token_file: token }", backend)),
                     2)) {
            assertThat(get(weir, "/api/clusters", null)).isEqualTo(401);
            assertThat(get(weir, "/api/clusters", "wrong")).isEqualTo(401);
            assertThat(get(weir, "/api/clusters", "s3cret")).isEqualTo(200);
            // Probes carry no secret: /healthz and /ready answer without it.
            assertThat(get(weir, "/healthz", null)).isEqualTo(200);
            assertThat(get(weir, "/ready", null)).isEqualTo(200);
            assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("GET /api/clusters").contains("refused: missing or wrong token"));

            Files.writeString(dir.resolve("token"), "rotated");
            assertThat(post(weir, "/api/reload", "s3cret")).isEqualTo(200);
            assertThat(get(weir, "/api/clusters", "s3cret")).isEqualTo(401);
            assertThat(get(weir, "/api/clusters", "rotated")).isEqualTo(200);

            // An emptied file refuses the reload, and the token in use stays.
            Files.writeString(dir.resolve("token"), "\n");
            assertThat(post(weir, "/api/reload", "rotated")).isEqualTo(400);
            assertThat(get(weir, "/api/clusters", "rotated")).isEqualTo(200);
        } finally {
            adminLog.detachAppender(logged);
        }
    }

    @Test
    void onLoopbackReadsAreOpenAndChangesNeedTheToken() throws Exception {
        Files.writeString(dir.resolve("token"), "s3cret");
        try (TestBackend backend = TestBackend.named("a");
             Weir weir = Weir.start(ConfigLoader.load(config("{ listen: 127.0.0.1:0, token_file: token }", backend)),
                     2)) {
            assertThat(get(weir, "/api/clusters", null)).isEqualTo(200);
            assertThat(post(weir, "/api/reload", "wrong")).isEqualTo(401);
            assertThat(post(weir, "/api/reload", "s3cret")).isEqualTo(200);
        }
    }

    @Test
    void aMissingOrEmptyTokenFileIsAConfigErrorWithItsPosition() throws Exception {
        try (TestBackend backend = TestBackend.named("a")) {
            Path missing = config("{ token_file: nope }", backend);
            assertThatThrownBy(() -> ConfigLoader.load(missing)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("weir.yaml:1:22: token_file: " + dir.resolve("nope") + ": cannot read it");
            Files.writeString(dir.resolve("empty"), "  \n");
            Path empty = config("{ token_file: empty }", backend);
            assertThatThrownBy(() -> ConfigLoader.load(empty)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("token_file: " + dir.resolve("empty") + " is empty");
            Path both = config("{ token_env: PATH, token_file: empty }", backend);
            assertThatThrownBy(() -> ConfigLoader.load(both)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("set token_env or token_file, not both");
        }
    }
}
