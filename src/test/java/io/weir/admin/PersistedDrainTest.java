package io.weir.admin;

import io.weir.config.ConfigLoader;
import io.weir.runtime.Weir;
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
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A drain made through the admin API is the operator's decision about an endpoint: it is saved in the state
 * file and holds after a reload (even one that rebuilds the endpoint) and a restart, until undrained.
 */
class PersistedDrainTest {

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestBackend a;
    private TestBackend b;
    private Weir weir;

    @AfterEach
    void close() {
        if (weir != null) {
            weir.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private Path writeConfig(int weightOfA) throws Exception {
        Path file = dir.resolve("weir.yaml");
        Files.writeString(dir.resolve("token"), "t0ken");
        Files.writeString(file, """
                admin: { listen: 127.0.0.1:0, token_file: token }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    drain_timeout: 5s
                    endpoints:
                      - { address: "%s", weight: %d }
                      - "%s"
                """.formatted(a.address(), weightOfA, b.address()));
        return file;
    }

    private HttpResponse<String> admin(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.adminAddress().getPort() + path))
                .header("Authorization", "Bearer t0ken").method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Set<String> answeredBy(int requests) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            seen.add(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.address("web").getPort()
                    + "/")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        return seen;
    }

    @Test
    void aDrainSurvivesReloadAndRestartUntilUndrained() throws Exception {
        a = TestBackend.named("a");
        b = TestBackend.named("b");
        Path file = writeConfig(1);
        weir = Weir.start(ConfigLoader.load(file), 2);
        assertThat(answeredBy(6)).containsExactlyInAnyOrder("a", "b");

        HttpResponse<String> drained = admin("POST", "/api/clusters/app/endpoints/" + a.address() + "/drain");
        assertThat(drained.statusCode()).isEqualTo(200);
        assertThat(drained.body()).contains("\"state\" : \"draining\"").contains("weir.yaml.state.json");
        assertThat(Files.readString(dir.resolve("weir.yaml.state.json"))).contains("\"drained\"").contains(a.address());
        assertThat(admin("GET", "/api/diff").body()).contains("\"drained\"").contains(a.address());
        assertThat(answeredBy(6)).containsExactly("b");

        // A reload that re-weights a: its endpoint is rebuilt, and the new one is drained too.
        writeConfig(3);
        assertThat(admin("POST", "/api/reload").statusCode()).isEqualTo(200);
        assertThat(answeredBy(6)).containsExactly("b");
        assertThat(admin("GET", "/api/clusters").body()).contains("\"state\" : \"draining\"");

        // A restart reads the state file.
        weir.close();
        weir = Weir.start(ConfigLoader.load(file), 2);
        assertThat(answeredBy(6)).containsExactly("b");

        HttpResponse<String> undrained = admin("POST", "/api/clusters/app/endpoints/" + a.address() + "/undrain");
        assertThat(undrained.statusCode()).isEqualTo(200);
        assertThat(Files.readString(dir.resolve("weir.yaml.state.json"))).doesNotContain(a.address());
        assertThat(answeredBy(8)).contains("a", "b");
        weir.close();
        weir = Weir.start(ConfigLoader.load(file), 2);
        assertThat(answeredBy(8)).contains("a", "b");
    }

    @Test
    void drainingAnUnknownEndpointIs404() throws Exception {
        a = TestBackend.named("a");
        b = TestBackend.named("b");
        weir = Weir.start(ConfigLoader.load(writeConfig(1)), 2);
        HttpResponse<String> r = admin("POST", "/api/clusters/app/endpoints/127.0.0.1:1/drain");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("no endpoint 127.0.0.1:1 in cluster app");
        assertThat(admin("POST", "/api/clusters/nope/endpoints/127.0.0.1:1/drain").statusCode()).isEqualTo(404);
    }
}
