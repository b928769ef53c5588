package io.weir.admin;

import io.weir.cluster.EndpointState;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Endpoint changes through the admin API: applied at once, saved beside the config, kept over reload and restart. */
class EndpointWritesTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // PATH stands in for a secret: the test cannot set environment variables, and PATH is always set.
    private final String token = System.getenv("PATH");
    private Path file;

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

    private Weir start(String... endpoints) throws Exception {
        return startChecked("", endpoints);
    }

    /** @param healthCheck a {@code health_check:} line for the cluster, or empty */
    private Weir startChecked(String healthCheck, String... endpoints) throws Exception {
        file = dir.resolve("weir.yaml");
        Files.writeString(file, """
                admin: { listen: 127.0.0.1:0, token_env: PATH }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    drain_timeout: 5s
                    %s
                    endpoints: [ %s ]
                """.formatted(healthCheck, String.join(", ", endpoints.length == 0 ? new String[0]
                : java.util.Arrays.stream(endpoints).map(e -> "\"" + e + "\"").toArray(String[]::new))));
        return track(Weir.start(ConfigLoader.load(file), 2));
    }

    private HttpResponse<String> admin(Weir weir, String method, String path, String body, boolean withToken)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.adminAddress().getPort()
                + path)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(20));
        if (withToken) {
            r.header("Authorization", "Bearer " + token);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(Weir weir, String method, String path, String body) throws Exception {
        return admin(weir, method, path, body, true);
    }

    private Set<String> backendsSeen(Weir weir, int requests) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            seen.add(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.address("web").getPort()
                    + "/")).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        return seen;
    }

    @Test
    void anAddedEndpointTakesTrafficIsSavedAndSurvivesReloadAndRestart() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        Weir weir = start(a.address());

        assertThat(admin(weir, "POST", "/api/clusters/app/endpoints",
                "{\"address\": \"" + b.address() + "\", \"weight\": 2}", false).statusCode()).isEqualTo(401);
        HttpResponse<String> added = admin(weir, "POST", "/api/clusters/app/endpoints",
                "{\"address\": \"" + b.address() + "\", \"weight\": 2}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(backendsSeen(weir, 9)).containsExactlyInAnyOrder("a", "b");
        Path state = dir.resolve("weir.yaml.state.json");
        assertThat(Files.readString(state)).contains(b.address());
        assertThat(admin(weir, "GET", "/api/diff", null).body()).contains("endpoints_added").contains(b.address());
        assertThat(admin(weir, "POST", "/api/clusters/app/endpoints",
                "{\"address\": \"" + b.address() + "\"}").statusCode()).isEqualTo(409);

        assertThat(admin(weir, "POST", "/api/reload", null).statusCode()).isEqualTo(200);
        assertThat(weir.clusters().require("app").endpoint(b.address())).isPresent();
        assertThat(weir.clusters().require("app").endpoint(b.address()).get().weight()).isEqualTo(2);

        weir.close();
        Weir restarted = track(Weir.start(ConfigLoader.load(file), 2));
        assertThat(restarted.clusters().require("app").endpoint(b.address())).isPresent();
        assertThat(backendsSeen(restarted, 9)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aRemovedEndpointIsDrainedAndStaysRemovedOverReload() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        Weir weir = start(a.address(), b.address());
        assertThat(backendsSeen(weir, 6)).containsExactlyInAnyOrder("a", "b");

        assertThat(admin(weir, "DELETE", "/api/clusters/app/endpoints/" + a.address(), null, false).statusCode())
                .isEqualTo(401);
        HttpResponse<String> removed = admin(weir, "DELETE", "/api/clusters/app/endpoints/" + a.address(), null);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(removed.body()).contains("draining");
        assertThat(backendsSeen(weir, 6)).containsExactly("b");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.openConnections() == 0);
        assertThat(admin(weir, "GET", "/api/diff", null).body()).contains("endpoints_removed").contains(a.address());

        assertThat(admin(weir, "POST", "/api/reload", null).statusCode()).isEqualTo(200);
        assertThat(backendsSeen(weir, 6)).containsExactly("b");
        assertThat(admin(weir, "DELETE", "/api/clusters/app/endpoints/" + a.address(), null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aWeightIsSetAndBadRequestsAreRefusedWithAMessage() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        Weir weir = start(a.address(), b.address());

        HttpResponse<String> set = admin(weir, "POST", "/api/clusters/app/endpoints/" + a.address() + "/weight",
                "{\"weight\": 7}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        // Rebuilt with the new weight, not taken out: the change does not read like a drain.
        assertThat(set.body()).contains("endpoint " + a.address() + " rebuilt (new weight or balancer)")
                .doesNotContain("draining");
        assertThat(weir.clusters().require("app").endpoint(a.address()).get().weight()).isEqualTo(7);
        assertThat(admin(weir, "GET", "/api/clusters", null).body()).contains("7");
        assertThat(admin(weir, "GET", "/api/diff", null).body()).contains("weights_changed")
                .contains("\"file\" : 1").contains("\"running\" : 7");
        assertThat(Files.readString(dir.resolve("weir.yaml.state.json"))).contains("7");

        HttpResponse<String> badWeight = admin(weir, "POST", "/api/clusters/app/endpoints/" + a.address()
                + "/weight", "{\"weight\": -1}");
        assertThat(badWeight.statusCode()).isEqualTo(400);
        assertThat(badWeight.body()).contains("\"error\"").contains("weight");
        assertThat(admin(weir, "POST", "/api/clusters/app/endpoints", "{\"address\": \"nope\"}").statusCode())
                .isEqualTo(400);
        assertThat(admin(weir, "POST", "/api/clusters/app/endpoints", "not json").statusCode()).isEqualTo(400);
        assertThat(admin(weir, "POST", "/api/clusters/none/endpoints", "{\"address\": \"127.0.0.1:1\"}")
                .statusCode()).isEqualTo(404);
        assertThat(admin(weir, "POST", "/api/clusters/app/endpoints/127.0.0.1:1/weight", "{\"weight\": 2}")
                .statusCode()).isEqualTo(404);
        assertThat(weir.clusters().require("app").endpoint(a.address()).get().weight()).isEqualTo(7);
    }

    @Test
    void theLastEndpointOfAClusterIsNotRemoved() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        Weir weir = start(a.address());
        HttpResponse<String> refused = admin(weir, "DELETE", "/api/clusters/app/endpoints/" + a.address(), null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("at least one endpoint");
        assertThat(backendsSeen(weir, 2)).containsExactly("a");
    }

    /** A backend whose health path answers 503 until {@code ready} is set, and "b" on every other path. */
    private TestBackend unready(AtomicBoolean ready) throws Exception {
        return track(TestBackend.start(r -> r.uri().equals("/health") && !ready.get()
                ? TestBackend.Reply.of(503, "starting") : TestBackend.Reply.text("b")));
    }

    private static final String CHECKED = "health_check: { type: http, path: /health, interval: 1s, timeout: 1s }";

    private static List<String> proxied(TestBackend backend) {
        return backend.received().stream().map(TestBackend.Received::uri).filter(u -> !u.equals("/health")).toList();
    }

    @Test
    void anEndpointAddedWhileRunningTakesNoTrafficUntilItsFirstCheckPasses() throws Exception {
        TestBackend a1 = track(TestBackend.named("a"));
        TestBackend a2 = track(TestBackend.named("a"));
        AtomicBoolean ready = new AtomicBoolean();
        TestBackend b = unready(ready);
        Weir weir = startChecked(CHECKED, a1.address(), a2.address());
        await().atMost(Duration.ofSeconds(10)).until(() -> weir.health().firstRound().isDone());

        HttpResponse<String> added = admin(weir, "POST", "/api/clusters/app/endpoints",
                "{\"address\": \"" + b.address() + "\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(added.body()).contains("\"state\" : \"unhealthy\"");
        assertThat(backendsSeen(weir, 12)).containsExactly("a");
        assertThat(proxied(b)).isEmpty();

        ready.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> backendsSeen(weir, 3).contains("b"));
    }

    @Test
    void aFailingEndpointStaysOutWhenItsWeightChanges() throws Exception {
        TestBackend a1 = track(TestBackend.named("a"));
        TestBackend a2 = track(TestBackend.named("a"));
        TestBackend b = unready(new AtomicBoolean());
        Weir weir = startChecked(CHECKED, a1.address(), a2.address(), b.address());
        await().atMost(Duration.ofSeconds(10)).until(() -> weir.health().firstRound().isDone());
        assertThat(weir.clusters().require("app").endpoint(b.address()).get().state())
                .isEqualTo(EndpointState.UNHEALTHY);

        // A new weight rebuilds the endpoint: it keeps its failing verdict instead of starting over as healthy.
        HttpResponse<String> set = admin(weir, "POST", "/api/clusters/app/endpoints/" + b.address() + "/weight",
                "{\"weight\": 5}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("\"state\" : \"unhealthy\"");
        assertThat(backendsSeen(weir, 12)).containsExactly("a");
        assertThat(proxied(b)).isEmpty();
    }
}
