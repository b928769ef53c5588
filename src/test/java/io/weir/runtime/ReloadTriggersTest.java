package io.weir.runtime;

import io.weir.config.ConfigLoader;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What starts a reload: {@code POST /api/reload} on the admin API, and a change to the watched file. */
class ReloadTriggersTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // PATH stands in for a secret: the test cannot set environment variables, and PATH is always set.
    private final String token = System.getenv("PATH");

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private static String config(String cluster, String backend) {
        return """
                admin: { listen: 127.0.0.1:0, token_env: PATH }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: %s
                clusters:
                  - name: %s
                    endpoints: [ "%s" ]
                """.formatted(cluster, cluster, backend);
    }

    private HttpResponse<String> get(Weir weir, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.address("web").getPort()
                + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postReload(Weir weir, String bearer) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.adminAddress().getPort()
                + "/api/reload")).POST(HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminReloadNeedsTheTokenAppliesTheFileAndReportsEveryError() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        Path file = dir.resolve("weir.yaml");
        Files.writeString(file, config("one", a.address()));
        Weir weir = track(Weir.start(ConfigLoader.load(file), 2));
        Files.writeString(file, config("two", b.address()));

        assertThat(postReload(weir, null).statusCode()).isEqualTo(401);
        assertThat(postReload(weir, "wrong").statusCode()).isEqualTo(401);
        assertThat(get(weir, "/").body()).isEqualTo("a");

        HttpResponse<String> ok = postReload(weir, token);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("\"status\" : \"reloaded\"").contains("cluster two added");
        assertThat(get(weir, "/").body()).isEqualTo("b");

        Files.writeString(file, config("two", b.address()).replace("routes:", "routes: 3").replace("[ \"", "[ { address: \""));
        HttpResponse<String> refused = postReload(weir, token);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"status\" : \"refused\"").containsPattern("weir\\.yaml:\\d+:\\d+: ");
        assertThat(get(weir, "/").body()).isEqualTo("b");
    }

    @Test
    void aChangedFileIsReloadedByTheWatch() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        Path file = dir.resolve("weir.yaml");
        Files.writeString(file, config("one", a.address()));
        Weir weir = track(Weir.start(ConfigLoader.load(file), 2));
        track(ConfigWatcher.watch(weir, Duration.ofMillis(100)));
        assertThat(get(weir, "/").body()).isEqualTo("a");

        // Written the way editors and config management do: a new file renamed over the old one.
        Path next = dir.resolve(".weir.yaml.tmp");
        Files.writeString(next, config("two", b.address()));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        await().atMost(Duration.ofSeconds(30)).until(() -> get(weir, "/").body().equals("b"));
        assertThat(weir.clusters().get("two")).isPresent();
    }
}
