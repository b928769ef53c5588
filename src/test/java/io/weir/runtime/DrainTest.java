package io.weir.runtime;

import io.weir.testing.RawBackend;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Draining an endpoint under load: in-flight requests finish, new ones go elsewhere, connections close. */
class DrainTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow";

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final CountDownLatch gate = new CountDownLatch(1);

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        gate.countDown();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private WeirHarness weir(String drainTimeout, String... endpoints) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    drain_timeout: %s
                    endpoints:
                """.formatted(drainTimeout));
        for (String e : endpoints) {
            yaml.append("      - ").append(e).append('\n');
        }
        return track(WeirHarness.start(yaml.toString()));
    }

    /** A backend that holds every request until the test opens the gate. */
    private RawBackend gated() throws Exception {
        return track(RawBackend.start((s, head) -> {
            gate.await();
            RawBackend.write(s, OK);
        }));
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(WeirHarness weir, String path) {
        return weir.client().sendAsync(HttpRequest.newBuilder(weir.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void drainingUnderLoadFailsNothingInFlightAndSendsNothingNew() throws Exception {
        RawBackend slow = gated();
        TestBackend other = track(TestBackend.named("other"));
        WeirHarness weir = weir("30s", slow.address(), other.address());
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inFlight.add(sendAsync(weir, "/before/" + i));
        }
        // Round robin put about half of them on the slow endpoint, where they wait.
        await().atMost(10, TimeUnit.SECONDS).until(() -> slow.heads().size() + other.received().size() == 8);
        int heldOnSlow = slow.heads().size();
        assertThat(heldOnSlow).isPositive();

        CompletableFuture<Boolean> drained = weir.weir().drainEndpoint("app", slow.address());
        List<CompletableFuture<HttpResponse<String>>> during = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            during.add(sendAsync(weir, "/during/" + i));
        }
        for (CompletableFuture<HttpResponse<String>> r : during) {
            assertThat(r.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(r.get().body()).isEqualTo("other");
        }
        assertThat(slow.heads()).hasSize(heldOnSlow);
        assertThat(drained).isNotDone();

        gate.countDown();
        for (CompletableFuture<HttpResponse<String>> r : inFlight) {
            assertThat(r.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(weir.weir().clusters().require("app").endpoint(slow.address()).get().connections()).isZero();
    }

    @Test
    void idlePooledConnectionsToADrainedEndpointClose() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        WeirHarness weir = weir("30s", a.address(), b.address());
        for (int i = 0; i < 6; i++) {
            assertThat(weir.get("/x").statusCode()).isEqualTo(200);
        }
        assertThat(a.connections()).isPositive();
        assertThat(weir.weir().drainEndpoint("app", a.address()).get(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.closedConnections() == a.connections());
        int before = a.received().size();
        for (int i = 0; i < 6; i++) {
            assertThat(weir.get("/y").body()).isEqualTo("b");
        }
        assertThat(a.received()).hasSize(before);

        var cluster = weir.weir().clusters().require("app");
        cluster.undrain(cluster.endpoint(a.address()).get());
        for (int i = 0; i < 6; i++) {
            weir.get("/z");
        }
        assertThat(a.received()).hasSize(before + 3);
    }

    @Test
    void whatIsStillInFlightAfterTheDrainTimeoutIsClosed() throws Exception {
        RawBackend slow = gated();
        WeirHarness weir = weir("200ms", slow.address());
        CompletableFuture<HttpResponse<String>> stuck = sendAsync(weir, "/stuck");
        await().atMost(10, TimeUnit.SECONDS).until(() -> slow.heads().size() == 1);
        CompletableFuture<Boolean> drained = weir.weir().drainEndpoint("app", slow.address());
        assertThat(drained.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(stuck.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(502);
        // The only endpoint is draining: nothing new is sent to it.
        assertThat(weir.get("/after").statusCode()).isEqualTo(503);
        assertThat(slow.heads()).hasSize(1);
    }
}
