package io.weir.runtime;

import io.weir.testing.Ports;
import io.weir.testing.RawBackend;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link Weir#shutdownGracefully}, the method {@code weir run} calls on SIGTERM, with requests in flight on
 * slow backends: none of them fails, idle connections close (after answering a request that was already on its
 * way), nothing new is accepted.
 */
class GracefulShutdownTest {

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

    private WeirHarness weir(String slow, String fast) throws Exception {
        return weir(slow, fast, 2);
    }

    private WeirHarness weir(String slow, String fast, int eventLoops) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - match: { path_prefix: /fast }
                        cluster: fast
                      - cluster: slow
                clusters:
                  - name: slow
                    endpoints: [ %s ]
                  - name: fast
                    endpoints: [ %s ]
                """.formatted(slow, fast), eventLoops));
    }

    private RawBackend gated() throws Exception {
        return track(RawBackend.start((s, head) -> {
            gate.await();
            RawBackend.write(s, OK);
        }));
    }

    @Test
    void inFlightRequestsFinishIdleConnectionsCloseAndNothingNewIsAccepted() throws Exception {
        RawBackend slow = gated();
        TestBackend fast = track(TestBackend.named("fast"));
        WeirHarness weir = weir(slow.address(), fast.address());
        int port = weir.port();

        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            inFlight.add(weir.client().sendAsync(HttpRequest.newBuilder(weir.uri("/slow/" + i))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        RawHttp keptAlive = track(new RawHttp(port));
        keptAlive.write("GET /slow/raw HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp idle = track(new RawHttp(port));
        idle.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(idle.readResponse().header("connection")).isNull();
        await().atMost(10, TimeUnit.SECONDS).until(() -> slow.heads().size() == 11);

        CompletableFuture<Boolean> shutdown = weir.shutdownGracefullyInBackground(Duration.ofSeconds(20));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !Ports.accepts(port));
        // The idle kept-alive connection closes once no request came in its grace; the busy ones wait for their
        // response.
        assertThat(idle.readResponse()).isNull();
        assertThat(shutdown).isNotDone();

        gate.countDown();
        for (CompletableFuture<HttpResponse<String>> r : inFlight) {
            HttpResponse<String> response = r.get(20, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("slow");
        }
        RawHttp.Response last = keptAlive.readResponse();
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.header("connection")).isEqualTo("close");
        assertThat(keptAlive.readResponse()).isNull();
        assertThat(shutdown.get(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRequestSentOnAnIdleConnectionAsShutdownBeginsIsAnsweredThenTheConnectionCloses() throws Exception {
        RawBackend slow = gated();
        TestBackend fast = track(TestBackend.named("fast"));
        WeirHarness weir = weir(slow.address(), fast.address());
        int port = weir.port();
        RawHttp idle = track(new RawHttp(port));
        idle.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(idle.readResponse().status()).isEqualTo(200);

        CompletableFuture<Boolean> shutdown = weir.shutdownGracefullyInBackground(Duration.ofSeconds(20));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !Ports.accepts(port));
        // The client could not have known: its request left as the shutdown began. It is served, not lost.
        idle.write("GET /fast/next HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp.Response r = idle.readResponse();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(idle.readResponse()).isNull();
        assertThat(shutdown.get(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRequestHeadHalfReceivedIsStillAnswered() throws Exception {
        RawBackend slow = gated();
        TestBackend fast = track(TestBackend.named("fast"));
        WeirHarness weir = weir(slow.address(), fast.address(), 1);
        RawHttp client = track(new RawHttp(weir.port()));
        client.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(client.readResponse().status()).isEqualTo(200);
        client.write("GET /fast/again HTTP/1.1\r\nHo");
        // One event loop: by the time it has proxied the probe's request, it has read the partial head.
        RawHttp probe = track(new RawHttp(weir.port()));
        probe.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(probe.readResponse().status()).isEqualTo(200);
        CompletableFuture<Boolean> shutdown = weir.shutdownGracefullyInBackground(Duration.ofSeconds(20));
        assertThat(probe.readResponse()).isNull();
        client.write("st: x\r\n\r\n");
        RawHttp.Response r = client.readResponse();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(shutdown.get(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void whatIsStillInFlightAtTheTimeoutIsCut() throws Exception {
        RawBackend slow = gated();
        TestBackend fast = track(TestBackend.named("fast"));
        WeirHarness weir = weir(slow.address(), fast.address());
        RawHttp stuck = track(new RawHttp(weir.port()));
        stuck.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        await().atMost(10, TimeUnit.SECONDS).until(() -> slow.heads().size() == 1);
        assertThat(weir.weir().shutdownGracefully(Duration.ofMillis(200))).isFalse();
        assertThatThrownBy(() -> {
            if (stuck.readResponse() == null) {
                throw new IOException("closed");
            }
        }).isInstanceOf(IOException.class);
    }
}
