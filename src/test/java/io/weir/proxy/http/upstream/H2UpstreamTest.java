package io.weir.proxy.http.upstream;

import io.weir.testing.H2Backend;
import io.weir.testing.H2Backend.Reply;
import io.weir.testing.RawHttp;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code protocol: h2} clusters, over real sockets: HTTP/1.1 clients through Weir to a Netty h2 server. Requests
 * become streams multiplexed over few connections, within the server's SETTINGS_MAX_CONCURRENT_STREAMS; a GOAWAY
 * under load fails no request; trailers pass both ways.
 */
class H2UpstreamTest extends SocketTest {

    private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

    private static String config(String backend, String clusterExtra) {
        return """
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    protocol: h2
                    endpoints: [ %s ]
                %s
                """.formatted(backend, clusterExtra.isEmpty() ? "" : "    " + clusterExtra);
    }

    private WeirHarness weir(H2Backend backend, String clusterExtra) throws Exception {
        return track(WeirHarness.start(config(backend.address(), clusterExtra)));
    }

    @Test
    void aRequestReachesTheH2BackendWithItsAuthorityAndNoConnectionHeaders() throws Exception {
        H2Backend backend = track(H2Backend.start(r -> Reply.text("hello " + r.header(":path"))));
        WeirHarness weir = weir(backend, "");
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET /greet?who=h2 HTTP/1.1\r\nHost: api.example.com\r\nConnection: keep-alive, x-hop\r\n"
                    + "X-Hop: private\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nX-Custom: kept\r\n\r\n");
            RawHttp.Response response = client.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello /greet?who=h2");
            assertThat(response.headers()).doesNotContainKey("x-http2-stream-id");
            assertThat(response.header("content-type")).isEqualTo("text/plain");

            // The downstream connection stays usable: a second request on it.
            client.write("GET /again HTTP/1.1\r\nHost: api.example.com\r\n\r\n");
            assertThat(client.readResponse().body()).isEqualTo("hello /again");
        }
        H2Backend.Received r = backend.received().get(0);
        assertThat(r.header(":method")).isEqualTo("GET");
        assertThat(r.header(":scheme")).isEqualTo("http");
        assertThat(r.header(":authority")).isEqualTo("api.example.com");
        assertThat(r.header("x-custom")).isEqualTo("kept");
        assertThat(r.header("te")).isEqualTo("trailers");
        for (String hopByHop : List.of("host", "connection", "keep-alive", "x-hop", "transfer-encoding", "upgrade",
                "x-http2-scheme")) {
            assertThat(r.header(hopByHop)).as(hopByHop).isNull();
        }
        assertThat(r.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    }

    @Test
    void bodiesAndTrailersPassBothWays() throws Exception {
        H2Backend backend = track(H2Backend.start(r -> Reply.text("got " + r.body() + " with "
                + r.trailers().get("x-checksum")).withTrailers(Map.of("grpc-status", "0", "grpc-message", "ok"))));
        WeirHarness weir = weir(backend, "");
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTE: trailers\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n");
            RawHttp.Response response = client.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(response.body()).startsWith("got hello world with abc\n")
                    .contains("\n[trailer] grpc-status: 0").contains("\n[trailer] grpc-message: ok");
        }
        assertThat(backend.received().get(0).header("content-length")).isNull();
    }

    @Test
    void aResponseWithoutBodyEndsTheExchange() throws Exception {
        H2Backend backend = track(H2Backend.start(r -> new Reply(r.header(":path").equals("/none") ? 204 : 200,
                Map.of("x-empty", "yes"), "", Map.of())));
        WeirHarness weir = weir(backend, "");
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET /none HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response none = client.readResponse();
            assertThat(none.status()).isEqualTo(204);
            assertThat(none.header("x-empty")).isEqualTo("yes");
            client.write("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response empty = client.readResponse();
            assertThat(empty.status()).isEqualTo(200);
            assertThat(empty.body()).isEmpty();
            client.write("HEAD /empty HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse(true).status()).isEqualTo(200);
            client.write("GET /after-head HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void concurrentRequestsAreMultiplexedOverFewConnections() throws Exception {
        H2Backend backend = track(H2Backend.start(r -> Reply.text("ok " + r.header(":path"))));
        WeirHarness weir = weir(backend, "");
        backend.hold();
        int concurrent = 40;
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
            responses.add(weir.client().sendAsync(HttpRequest.newBuilder(weir.uri("/r" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // Every request is at the backend at once, as a stream of one of very few connections.
        await().until(() -> backend.activeStreams() == concurrent);
        assertThat(backend.connectionsAccepted()).isLessThanOrEqualTo(2); // one per Weir event loop at most
        backend.releaseHeld();
        for (int i = 0; i < concurrent; i++) {
            HttpResponse<String> r = responses.get(i).get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok /r" + i);
        }
        assertThat(backend.connectionsAccepted()).isLessThanOrEqualTo(2);
    }

    @Test
    void theBackendsMaxConcurrentStreamsIsRespectedByOpeningMoreConnections() throws Exception {
        H2Backend backend = track(H2Backend.start(3, r -> Reply.text("ok")));
        WeirHarness weir = weir(backend, "");
        backend.hold();
        int concurrent = 20;
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
            responses.add(weir.client().sendAsync(HttpRequest.newBuilder(weir.uri("/r" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().until(() -> backend.activeStreams() == concurrent);
        assertThat(backend.peakStreamsPerConnection()).isLessThanOrEqualTo(3);
        assertThat(backend.connectionsAccepted()).isGreaterThanOrEqualTo(7);
        backend.releaseHeld();
        for (CompletableFuture<HttpResponse<String>> r : responses) {
            assertThat(r.get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aGoAwayUnderLoadFailsNoRequest() throws Exception {
        H2Backend backend = track(H2Backend.start(r -> Reply.text("ok")));
        WeirHarness weir = weir(backend, "");
        int clients = 8;
        int perClient = 150;
        AtomicInteger done = new AtomicInteger();
        AtomicInteger goAways = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                results.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < perClient; i++) {
                        statuses.add(weir.get("/load").statusCode());
                        int n = done.incrementAndGet();
                        // Three rounds of GOAWAY on every connection, while the other clients keep sending.
                        if (n % 300 == 0) {
                            goAways.incrementAndGet();
                            backend.goAwayAll();
                        }
                    }
                    return statuses;
                }));
            }
            for (Future<List<Integer>> f : results) {
                assertThat(f.get()).containsOnly(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(goAways.get()).isEqualTo(clients * perClient / 300);
        assertThat(backend.connectionsAccepted()).isGreaterThan(goAways.get());
        // Every request reached the backend; once in a while one twice: a stream the backend's codec took just as
        // its GOAWAY went out can come back refused and is retried (an idempotent GET may be). Seen once in CI.
        assertThat(backend.received().size()).isBetween(clients * perClient, clients * perClient + goAways.get());
    }

    @Test
    void aLostConnectionFailsItsStreamsAndTheNextRequestUsesANewOne() throws Exception {
        H2Backend backend = track(H2Backend.start(r -> Reply.text("ok")));
        WeirHarness weir = weir(backend, "");
        backend.hold();
        List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            posts.add(weir.client().sendAsync(HttpRequest.newBuilder(weir.uri("/post"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().until(() -> backend.activeStreams() == 3);
        int before = backend.connectionsAccepted();
        backend.killAll();
        for (CompletableFuture<HttpResponse<String>> post : posts) {
            // Not idempotent, and the backend had the requests: no retry, a 502.
            assertThat(post.get().statusCode()).isEqualTo(502);
        }
        backend.releaseHeld();
        assertThat(weir.get("/after").statusCode()).isEqualTo(200);
        assertThat(backend.connectionsAccepted()).isGreaterThan(before);
    }

    @Test
    void aClientThatStopsReadingStallsTheH2StreamNotTheConnection() throws Exception {
        long size = 64L << 20;
        H2Backend backend = track(H2Backend.start(r -> r.header(":path").equals("/big") ? Reply.stream(size)
                : Reply.text("small")));
        WeirHarness weir = weir(backend, "");
        try (RawHttp slow = new RawHttp(weir.port())) {
            slow.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            // Flow control holds the backend back: it wrote no more than the stream window and the socket
            // buffers on the way took, far from the whole body.
            long[] last = {-1};
            await().pollInterval(Duration.ofMillis(200)).until(() -> {
                long now = backend.streamedBytes();
                boolean stalled = now == last[0];
                last[0] = now;
                return stalled;
            });
            assertThat(backend.streamedBytes()).isLessThan(16L << 20);

            // The same h2 connection still serves other requests meanwhile.
            assertThat(weir.get("/small").body()).isEqualTo("small");
            assertThat(backend.connectionsAccepted()).isLessThanOrEqualTo(2);

            InputStream in = slow.socket().getInputStream();
            long body = 0;
            byte[] buf = new byte[64 * 1024];
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
            // Chunked framing: count the body bytes until the last chunk.
            while (true) {
                String sizeLine = readLine(in);
                int chunk = Integer.parseInt(sizeLine.trim(), 16);
                if (chunk == 0) {
                    break;
                }
                int left = chunk;
                while (left > 0) {
                    int n = in.read(buf, 0, Math.min(buf.length, left));
                    assertThat(n).isPositive();
                    left -= n;
                    body += n;
                }
                readLine(in);
            }
            assertThat(body).isEqualTo(size);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            head.append(line).append('\n');
        }
        return head.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Test
    void anIdleConnectionClosesAfterThePoolIdleTimeout() throws Exception {
        H2Backend backend = track(H2Backend.start(r -> Reply.text("ok")));
        WeirHarness weir = weir(backend, "pool_idle_timeout: 300ms");
        assertThat(weir.get("/").statusCode()).isEqualTo(200);
        await().until(() -> backend.connectionsOpen() == 0);
        assertThat(weir.get("/").statusCode()).isEqualTo(200);
        assertThat(backend.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void h2OverTlsIsNegotiatedWithAlpn() throws Exception {
        H2Backend backend = track(H2Backend.startTls(TLS.resolve("a.pem"), TLS.resolve("a.key"),
                r -> Reply.text("secure " + r.header(":scheme"))));
        WeirHarness weir = track(WeirHarness.start(config("localhost:" + backend.address().split(":")[1],
                "tls: { verify: " + TLS.resolve("ca.pem") + " }")));
        HttpResponse<String> response = weir.get("/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("secure https");
    }

    /**
     * A connection the endpoint drops before its SETTINGS gives the request waiting on it one fresh connection
     * (nothing was sent on the first); a second such drop fails it as a connect failure.
     */
    @ParameterizedTest(name = "{0} dropped -> {1}")
    @CsvSource({"1, 200", "2, 502"})
    void connectionsDroppedBeforeTheirSettings(int dropped, int status) throws Exception {
        H2Backend backend = track(H2Backend.start(r -> Reply.text("ok")));
        WeirHarness weir = weir(backend, "");
        backend.dropNextConnections(dropped);
        assertThat(weir.get("/dropped").statusCode()).isEqualTo(status);
        assertThat(backend.connectionsAccepted()).isEqualTo(2);
        assertThat(backend.received()).hasSize(status == 200 ? 1 : 0);
    }

    @Test
    void aBackendThatDoesNotSpeakH2Gets502() throws Exception {
        try (TestBackend http1 = TestBackend.start(r -> TestBackend.Reply.text("h1"))) {
            WeirHarness weir = track(WeirHarness.start(config(http1.address(), "")));
            assertThat(weir.get("/").statusCode()).isEqualTo(502);
        }
    }
}
