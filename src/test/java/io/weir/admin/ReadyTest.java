package io.weir.admin;

import io.weir.testing.RawBackend;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /ready} for keepalived and Kubernetes: not ready until the listeners are bound AND every cluster with
 * active checks has had its first round, so a probe never sends traffic to a Weir that still picks endpoints on
 * their initial state.
 */
class ReadyTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static HttpResponse<String> admin(WeirHarness weir, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + weir.weir().adminAddress().getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void notReadyUntilTheFirstHealthCheckOfABlockedEndpointHasAVerdict() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (RawBackend blocked = RawBackend.start((s, head) -> {
                 answer.await();
                 RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
             });
             TestBackend unchecked = TestBackend.named("u");
             WeirHarness weir = WeirHarness.start("""
                     admin: { listen: 127.0.0.1:0 }
                     listeners:
                       - name: web
                         listen: 127.0.0.1:0
                         routes:
                           - cluster: plain
                     clusters:
                       - name: checked
                         endpoints: [ "%s" ]
                         health_check: { type: http, path: /health, interval: 1m, timeout: 1m }
                       - name: plain
                         endpoints: [ "%s" ]
                     """.formatted(blocked.address(), unchecked.address()))) {
            // The check is in flight and answers nothing: bound, alive, serving, but not ready.
            await().atMost(10, TimeUnit.SECONDS).until(() -> blocked.heads().size() == 1);
            assertThat(weir.get("/").body()).isEqualTo("u");
            assertThat(admin(weir, "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = admin(weir, "/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("\"listeners_bound\" : true")
                    .contains("\"first_health_checks_done\" : false");
            assertThat(weir.weir().isReady()).isFalse();

            answer.countDown();
            await().atMost(10, TimeUnit.SECONDS).until(() -> admin(weir, "/ready").statusCode() == 200);
            assertThat(admin(weir, "/ready").body()).contains("\"status\" : \"ready\"");
        }
    }

    @Test
    void aCheckThatTimesOutIsAVerdictToo() throws Exception {
        try (// Reads until Weir gives up on the probe and closes it.
             RawBackend silent = RawBackend.start((s, head) -> s.getInputStream().readAllBytes());
             WeirHarness weir = WeirHarness.start("""
                     admin: { listen: 127.0.0.1:0 }
                     listeners:
                       - name: web
                         listen: 127.0.0.1:0
                         routes:
                           - cluster: checked
                     clusters:
                       - name: checked
                         endpoints: [ "%s" ]
                         health_check: { type: http, path: /health, interval: 1s, timeout: 300ms }
                     """.formatted(silent.address()))) {
            // Ready once the probe timed out: the endpoint is then known to be unhealthy, which is what matters.
            await().atMost(10, TimeUnit.SECONDS).until(() -> admin(weir, "/ready").statusCode() == 200);
        }
    }

    @Test
    void readyAtOnceWithoutHealthChecks() throws Exception {
        try (TestBackend backend = TestBackend.named("a");
             WeirHarness weir = WeirHarness.start("""
                     admin: { listen: 127.0.0.1:0 }
                     listeners:
                       - name: web
                         listen: 127.0.0.1:0
                         routes:
                           - cluster: app
                     clusters:
                       - name: app
                         endpoints: [ "%s" ]
                     """.formatted(backend.address()))) {
            assertThat(admin(weir, "/ready").statusCode()).isEqualTo(200);
        }
    }
}
