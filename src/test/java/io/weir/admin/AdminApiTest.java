package io.weir.admin;

import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class AdminApiTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static HttpResponse<String> admin(WeirHarness weir, String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + weir.weir().adminAddress().getPort() + path);
        return CLIENT.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String config(TestBackend backend) {
        return """
                admin: { listen: 127.0.0.1:0 }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - name: main
                        cluster: app
                clusters:
                  - name: app
                    balance: least_connections
                    endpoints: [ "%s" ]
                """.formatted(backend.address());
    }

    @Test
    void healthReadyAndStateAsJson() throws Exception {
        try (TestBackend backend = TestBackend.named("a"); WeirHarness weir = WeirHarness.start(config(backend))) {
            assertThat(admin(weir, "GET", "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = admin(weir, "GET", "/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("ready");
            String clusters = admin(weir, "GET", "/api/clusters").body();
            assertThat(clusters).contains("\"name\" : \"app\"").contains("least_connections")
                    .contains(backend.address()).contains("\"state\" : \"healthy\"");
            assertThat(admin(weir, "GET", "/api/listeners").body()).contains("\"routes\"").contains("main");
            assertThat(admin(weir, "GET", "/api/info").body()).contains("uptime_seconds");
            HttpResponse<String> page = admin(weir, "GET", "/dashboard");
            assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            assertThat(page.body()).contains("api/events");
            HttpResponse<String> missing = admin(weir, "GET", "/nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("\"error\"");
        }
    }

    @Test
    void prometheusMetricsCountRequestsByRouteEndpointAndStatusClass() throws Exception {
        try (TestBackend backend = TestBackend.named("a"); WeirHarness weir = WeirHarness.start(config(backend))) {
            for (int i = 0; i < 3; i++) {
                weir.get("/x");
            }
            String metrics = admin(weir, "GET", "/metrics").body();
            assertThat(metrics).contains("weir_requests_total{cluster=\"app\",code_class=\"2xx\",endpoint=\""
                    + backend.address() + "\",listener=\"web\",route=\"main\"} 3.0");
            assertThat(metrics).contains("weir_request_duration_seconds_bucket")
                    .contains("weir_endpoint_healthy").contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void drainAndUndrainAnEndpointWithTheToken() throws Exception {
        try (TestBackend a = TestBackend.named("a"); TestBackend b = TestBackend.named("b");
             WeirHarness weir = WeirHarness.start("""
                     admin: { listen: 127.0.0.1:0, token_env: PATH }
                     listeners:
                       - name: web
                         listen: 127.0.0.1:0
                         routes:
                           - cluster: app
                     clusters:
                       - name: app
                         endpoints: [ "%s", "%s" ]
                     """.formatted(a.address(), b.address()))) {
            // PATH stands in for a secret: the test cannot set environment variables, and PATH is always set.
            String token = System.getenv("PATH");
            String drain = "/api/clusters/app/endpoints/" + a.address() + "/drain";
            assertThat(admin(weir, "POST", drain).statusCode()).isEqualTo(401);
            HttpResponse<String> drained = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + weir.weir().adminAddress().getPort() + drain)).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(drained.statusCode()).isEqualTo(200);
            assertThat(drained.body()).contains("draining");
            for (int i = 0; i < 6; i++) {
                assertThat(weir.get("/").body()).isEqualTo("b");
            }
            HttpResponse<String> undrained = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + weir.weir().adminAddress().getPort() + "/api/clusters/app/endpoints/" + a.address() + "/undrain"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(undrained.body()).contains("healthy");
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < 6; i++) {
                seen.add(weir.get("/").body());
            }
            assertThat(seen).contains("a", "b");
        }
    }

    @Test
    void changesNeedTheToken() throws Exception {
        try (TestBackend backend = TestBackend.named("a"); WeirHarness weir = WeirHarness.start(config(backend))) {
            HttpResponse<String> refused = admin(weir, "POST", "/api/clusters");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("token");
        }
    }
}
