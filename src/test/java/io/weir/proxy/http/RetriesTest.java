package io.weir.proxy.http;

import io.weir.testing.RawBackend;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Route retries against real backends that fail in each way a retry is meant for, and in ways it is not. */
class RetriesTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();

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

    private WeirHarness weir(String retries, String clusterExtra, String... endpoints) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                        retries: %s
                clusters:
                  - name: app
                    %s
                    endpoints:
                """.formatted(retries, clusterExtra));
        for (String e : endpoints) {
            yaml.append("      - ").append(e).append('\n');
        }
        return track(WeirHarness.start(yaml.toString()));
    }

    @Test
    void a503IsRetriedOnTheOtherEndpoint() throws Exception {
        TestBackend bad = track(TestBackend.start(r -> Reply.of(503, "busy")));
        TestBackend good = track(TestBackend.named("good"));
        WeirHarness weir = weir("{ attempts: 2, retry_on: [503], backoff: { base: 1ms, max: 5ms } }", "",
                bad.address(), good.address());
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = weir.get("/x");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("good");
        }
        assertThat(good.received()).hasSize(10);
        // Every try that met the bad one was retried once, and on the good one: never twice on the bad.
        assertThat(bad.received()).hasSizeBetween(1, 10);
    }

    @Test
    void aStatusNotInRetryOnGoesDownstreamAsItIs() throws Exception {
        TestBackend bad = track(TestBackend.start(r -> Reply.of(500, "oops")));
        TestBackend bad2 = track(TestBackend.start(r -> Reply.of(500, "oops")));
        WeirHarness weir = weir("{ attempts: 3 }", "", bad.address(), bad2.address());
        HttpResponse<String> r = weir.get("/x");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("oops");
        assertThat(bad.received().size() + bad2.received().size()).isEqualTo(1);
    }

    @Test
    void whenEveryTryFailsTheLastAnswerGoesDownstream() throws Exception {
        TestBackend a = track(TestBackend.start(r -> Reply.of(503, "a")));
        TestBackend b = track(TestBackend.start(r -> Reply.of(503, "b")));
        WeirHarness weir = weir("{ attempts: 3, retry_on: [\"5xx\"], backoff: { base: 1ms } }", "",
                a.address(), b.address());
        HttpResponse<String> r = weir.get("/x");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(a.received().size() + b.received().size()).isEqualTo(3);
    }

    @Test
    void postIsNotRetriedUnlessTheRouteOptsIn() throws Exception {
        TestBackend a = track(TestBackend.start(r -> Reply.of(503, "a")));
        TestBackend b = track(TestBackend.start(r -> Reply.of(503, "b")));
        WeirHarness weir = weir("{ attempts: 2, backoff: { base: 1ms } }", "", a.address(), b.address());
        HttpResponse<String> r = weir.send(HttpRequest.newBuilder(weir.uri("/x"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(a.received().size() + b.received().size()).isEqualTo(1);

        WeirHarness optedIn = weir("{ attempts: 2, retry_non_idempotent: true, backoff: { base: 1ms } }", "",
                a.address(), b.address());
        optedIn.send(HttpRequest.newBuilder(optedIn.uri("/x")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(a.received().size() + b.received().size()).isEqualTo(3);
    }

    @Test
    void aRequestWhoseBodyStreamedIsNotRetried() throws Exception {
        TestBackend a = track(TestBackend.start(r -> Reply.of(503, "a")));
        TestBackend b = track(TestBackend.start(r -> Reply.of(503, "b")));
        WeirHarness weir = weir("{ attempts: 3, retry_non_idempotent: true, backoff: { base: 1ms } }", "",
                a.address(), b.address());
        HttpResponse<String> r = weir.send(HttpRequest.newBuilder(weir.uri("/x"))
                .PUT(HttpRequest.BodyPublishers.ofString("payload")));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(a.received().size() + b.received().size()).isEqualTo(1);
    }

    @Test
    void aResetBeforeTheResponseIsRetried() throws Exception {
        RawBackend resets = track(RawBackend.start((s, head) -> RawBackend.reset(s)));
        TestBackend good = track(TestBackend.named("good"));
        WeirHarness weir = weir("{ attempts: 2, backoff: { base: 1ms } }", "", resets.address(), good.address());
        for (int i = 0; i < 6; i++) {
            assertThat(weir.get("/x").statusCode()).isEqualTo(200);
        }
        assertThat(good.received()).hasSize(6);
        assertThat(resets.heads()).hasSizeBetween(1, 6);
    }

    @Test
    void aResetIsNotRetriedWhenRetryOnLeavesItOut() throws Exception {
        RawBackend resets = track(RawBackend.start((s, head) -> RawBackend.reset(s)));
        RawBackend resets2 = track(RawBackend.start((s, head) -> RawBackend.reset(s)));
        WeirHarness weir = weir("{ attempts: 3, retry_on: [503] }", "", resets.address(), resets2.address());
        assertThat(weir.get("/x").statusCode()).isEqualTo(502);
        assertThat(resets.heads().size() + resets2.heads().size()).isEqualTo(1);
    }

    @Test
    void aTryPastItsTimeoutIsRetriedElsewhere() throws Exception {
        RawBackend silent = track(RawBackend.start((s, head) -> {
            // Never answers until the test ends.
        }));
        TestBackend good = track(TestBackend.named("good"));
        WeirHarness weir = weir("{ attempts: 2, per_try_timeout: 200ms, backoff: { base: 1ms } }", "",
                silent.address(), good.address());
        for (int i = 0; i < 4; i++) {
            assertThat(weir.get("/x").statusCode()).isEqualTo(200);
        }
        assertThat(good.received()).hasSize(4);
        assertThat(silent.heads()).hasSizeBetween(1, 4);
    }

    @Test
    void aTryStuckConnectingIsGivenUpAtItsTimeout() throws Exception {
        // A listening socket whose accept queue is full: the kernel drops further SYNs, so connects hang.
        java.net.ServerSocket full = track(new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()));
        for (int i = 0; i < 16; i++) {
            java.net.Socket filler = track(new java.net.Socket());
            try {
                filler.connect(full.getLocalSocketAddress(), 200);
            } catch (java.net.SocketTimeoutException e) {
                break;
            }
        }
        TestBackend good = track(TestBackend.named("good"));
        WeirHarness weir = weir("{ attempts: 2, per_try_timeout: 200ms, backoff: { base: 1ms } }",
                "connect_timeout: 5s", "127.0.0.1:" + full.getLocalPort(), good.address());
        for (int i = 0; i < 4; i++) {
            assertThat(weir.get("/x").body()).isEqualTo("good");
        }
    }

    @Test
    void aTryPastItsTimeoutIs504WhenNoRetryIsLeft() throws Exception {
        RawBackend silent = track(RawBackend.start((s, head) -> { }));
        WeirHarness weir = weir("{ attempts: 1, per_try_timeout: 100ms }", "", silent.address());
        assertThat(weir.get("/x").statusCode()).isEqualTo(504);
        assertThat(silent.heads()).hasSize(1);
    }

    @Test
    void theRouteTimeoutBoundsAllTriesTogether() throws Exception {
        RawBackend silent = track(RawBackend.start((s, head) -> { }));
        RawBackend silent2 = track(RawBackend.start((s, head) -> { }));
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                        timeout: 500ms
                        retries: { attempts: 20, per_try_timeout: 100ms, backoff: { base: 1ms } }
                clusters:
                  - name: app
                    endpoints: [ %s, %s ]
                """.formatted(silent.address(), silent2.address())));
        assertThat(weir.get("/x").statusCode()).isEqualTo(504);
        // Far fewer than 20 tries fit in 500ms of 100ms tries.
        assertThat(silent.heads().size() + silent2.heads().size()).isBetween(2, 6);
    }

    @Test
    void theUpstreamTimeoutStillAnswers504() throws Exception {
        RawBackend silent = track(RawBackend.start((s, head) -> { }));
        WeirHarness weir = weir("{ attempts: 1 }", "upstream_timeout: 150ms", silent.address());
        assertThat(weir.get("/x").statusCode()).isEqualTo(504);
    }

    @Test
    void nothingIsRetriedOnceTheResponseStarted() throws Exception {
        RawBackend breaks = track(RawBackend.start((s, head) -> {
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
            RawBackend.reset(s);
        }));
        RawBackend breaks2 = track(RawBackend.start((s, head) -> {
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
            RawBackend.reset(s);
        }));
        WeirHarness weir = weir("{ attempts: 3, retry_on: [reset, \"5xx\"] }", "", breaks.address(),
                breaks2.address());
        assertThatThrownBy(() -> weir.get("/x")).isInstanceOf(java.io.IOException.class);
        assertThat(breaks.heads().size() + breaks2.heads().size()).isEqualTo(1);
    }

    @Test
    void aSpentBudgetAnswersTheFailureAndCountsIt() throws Exception {
        TestBackend a = track(TestBackend.start(r -> Reply.of(503, "a")));
        TestBackend b = track(TestBackend.start(r -> Reply.of(503, "b")));
        WeirHarness weir = weir("{ attempts: 2, backoff: { base: 1ms } }",
                "retry_budget: { percent: 0, min_per_second: 0 }", a.address(), b.address());
        for (int i = 0; i < 5; i++) {
            assertThat(weir.get("/x").statusCode()).isEqualTo(503);
        }
        assertThat(a.received().size() + b.received().size()).isEqualTo(5);
        assertThat(weir.weir().clusters().require("app").retryBudget().exhausted()).isEqualTo(5);
    }

    @Test
    void theBudgetFloorAllowsAFewRetriesEvenWhenQuiet() throws Exception {
        TestBackend a = track(TestBackend.start(r -> Reply.of(503, "a")));
        TestBackend b = track(TestBackend.start(r -> Reply.of(503, "b")));
        WeirHarness weir = weir("{ attempts: 2, backoff: { base: 1ms } }",
                "retry_budget: { percent: 0, min_per_second: 2 }", a.address(), b.address());
        for (int i = 0; i < 6; i++) {
            weir.get("/x");
        }
        long exhausted = weir.weir().clusters().require("app").retryBudget().exhausted();
        int retries = a.received().size() + b.received().size() - 6;
        // Every request wanted one retry: each either got it from the floor or was counted as refused.
        assertThat(retries + exhausted).isEqualTo(6);
        assertThat(retries).isBetween(2, 6);
    }

    @Test
    void duringAnOutageRetriesInFlightStayWithinTheBudgetShare() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        TestBackend failing = track(TestBackend.start(r -> Reply.of(503, "down")));
        RawBackend held = track(RawBackend.start((s, head) -> {
            gate.await();
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }));
        closeables.add(gate::countDown);
        WeirHarness weir = weir("{ attempts: 2, backoff: { base: 1ms } }",
                "retry_budget: { percent: 20, min_per_second: 0 }", failing.address(), held.address());
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            responses.add(weir.client().sendAsync(HttpRequest.newBuilder(weir.uri("/x/" + i))
                    .timeout(java.time.Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        // Each request either got its 503 or waits on the held endpoint (first try or retry).
        org.awaitility.Awaitility.await().atMost(10, java.util.concurrent.TimeUnit.SECONDS).until(() ->
                responses.stream().filter(java.util.concurrent.CompletableFuture::isDone).count()
                        + held.heads().size() == 20);
        int firstTriesFailed = failing.received().size();
        int retries = held.heads().size() - (20 - firstTriesFailed);
        // 20% of at most 20 requests in flight: no more than 4 retries at once, and none has ended yet.
        assertThat(retries).isBetween(0, 4);
        assertThat(weir.weir().clusters().require("app").retryBudget().exhausted())
                .isEqualTo(firstTriesFailed - retries);
        gate.countDown();
        long ok = 0;
        for (var r : responses) {
            if (r.get(20, java.util.concurrent.TimeUnit.SECONDS).statusCode() == 200) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(20 - firstTriesFailed + retries);
    }
}
