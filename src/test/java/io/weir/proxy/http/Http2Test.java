package io.weir.proxy.http;

import io.netty.handler.codec.http2.Http2Error;
import io.weir.testing.RawBackend;
import io.weir.testing.RawH2;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.TestTls;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/2 from clients: over TLS by ALPN and in cleartext with prior knowledge, each stream routed, filtered,
 * balanced and retried like an HTTP/1.1 request, to HTTP/1.1 upstreams. Real clients: the JDK's HttpClient,
 * curl (nghttp2), and {@link RawH2} where the exact frames matter.
 */
class Http2Test extends SocketTest {

    private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

    @TempDir
    Path dir;

    private WeirHarness tls(String routes, String clusters) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    tls:
                      certificates:
                        - { cert: %1$s/a.pem, key: %1$s/a.key }
                    routes:
                %2$s
                clusters:
                %3$s
                """.formatted(TLS, routes, clusters)));
    }

    private WeirHarness cleartext(String extra, String routes, String clusters) throws Exception {
        return track(WeirHarness.start("""
                %1$s
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                %2$s
                clusters:
                %3$s
                """.formatted(extra, routes, clusters)));
    }

    /** Cleartext, with /app routed to a backend answering "body", and no route for any other path (Weir: 404). */
    private WeirHarness onlyAppRouted() throws Exception {
        TestBackend backend = track(TestBackend.named("body"));
        return cleartext("", """
                      - match: { path_prefix: /app }
                        cluster: app
                """, cluster("app", backend.address()));
    }

    private static String cluster(String name, String... endpoints) {
        return "  - name: " + name + "\n    endpoints: [ \"" + String.join("\", \"", endpoints) + "\" ]\n";
    }

    private static HttpClient h2Client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestTls.trustingTestCa())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void aJdkClientGetsHttp2OverTlsByAlpnAndTheUpstreamAnHttp11Request() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("got " + r.method() + " " + r.bodyText())
                .header("x-backend", "one")));
        WeirHarness weir = tls("      - cluster: app", cluster("app", backend.address()));
        HttpClient client = h2Client();
        URI uri = URI.create("https://localhost:" + weir.port() + "/path?q=1");

        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).header("x-custom", "v").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("hello body")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("got GET ");
        assertThat(get.headers().firstValue("x-backend")).contains("one");
        assertThat(post.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(post.body()).isEqualTo("got POST hello body");
        TestBackend.Received first = backend.received().get(0);
        assertThat(first.uri()).isEqualTo("/path?q=1");
        assertThat(first.version().text()).isEqualTo("HTTP/1.1");
        assertThat(first.headers().get("host")).isEqualTo("localhost:" + weir.port());
        assertThat(first.headers().get("x-custom")).isEqualTo("v");
        assertThat(first.headers().get("x-forwarded-proto")).isEqualTo("https");
        assertThat(first.headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");
        // Netty's HTTP/2-to-1.1 names for the pseudo-headers never leave Weir.
        assertThat(first.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-http2-"));
    }

    @Test
    void aClientWithoutH2InAlpnStillGetsHttp11OnTheSameListener() throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = tls("      - cluster: app", cluster("app", backend.address()));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestTls.trustingTestCa()).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + weir.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(r.body()).isEqualTo("b");
    }

    @Test
    void http2CanBeTurnedOffSoAlpnOffersOnlyHttp11() throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    http2: { enabled: false }
                    tls:
                      certificates:
                        - { cert: %1$s/a.pem, key: %1$s/a.key }
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%2$s" ]
                """.formatted(TLS, backend.address())));
        HttpResponse<String> r = h2Client().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + weir.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(r.body()).isEqualTo("b");
    }

    @Test
    void priorKnowledgeCleartextStreamsAreRoutedAndBalancedOneByOne() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        TestBackend api = track(TestBackend.named("api"));
        WeirHarness weir = cleartext("", """
                      - match: { path_prefix: /api/ }
                        cluster: api
                      - match: { path: /hello }
                        respond: { status: 200, body: "hi from weir" }
                      - match: { path_prefix: /app/ }
                        cluster: app
                """, cluster("app", a.address(), b.address()) + cluster("api", api.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            Set<String> served = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                int stream = 1 + 2 * i;
                h2.get(stream, "/app/" + i);
                RawH2.Response r = h2.response(stream);
                assertThat(r.status()).isEqualTo(200);
                served.add(r.bodyText());
            }
            // One connection, its streams balanced on their own (round robin over a and b).
            assertThat(served).containsExactlyInAnyOrder("a", "b");

            h2.get(9, "/api/users");
            assertThat(h2.response(9).bodyText()).isEqualTo("api");
            h2.get(11, "/hello");
            RawH2.Response hello = h2.response(11);
            assertThat(hello.status()).isEqualTo(200);
            assertThat(hello.bodyText()).isEqualTo("hi from weir");
            h2.get(13, "/nowhere");
            assertThat(h2.response(13).status()).isEqualTo(404);
        }
        assertThat(api.last().headers().get("x-forwarded-proto")).isEqualTo("http");
        assertThat(api.last().headers().get("host")).isEqualTo("weir.test");
    }

    @Test
    void concurrentStreamsOnOneConnectionAreAnsweredIndependently() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("echo " + r.uri())));
        WeirHarness weir = cleartext("", "      - cluster: app\n", cluster("app", backend.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            for (int i = 0; i < 10; i++) {
                h2.get(1 + 2 * i, "/s" + i);
            }
            List<String> bodies = new ArrayList<>();
            int ended = 0;
            StringBuilder[] data = new StringBuilder[10];
            while (ended < 10) {
                RawH2.Frame f = h2.read();
                assertThat(f).isNotNull();
                if (f.type() == RawH2.DATA) {
                    int i = (f.stream() - 1) / 2;
                    data[i] = data[i] == null ? new StringBuilder() : data[i];
                    data[i].append(f.text());
                    if (f.endStream()) {
                        ended++;
                    }
                }
            }
            for (int i = 0; i < 10; i++) {
                bodies.add(data[i].toString());
                assertThat(data[i].toString()).isEqualTo("echo /s" + i);
            }
            assertThat(bodies).hasSize(10);
        }
    }

    @Test
    void trailersPassBothWays() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("body").withTrailer("grpc-status", "0")
                .withTrailer("grpc-message", "fine")));
        WeirHarness weir = cleartext("", "      - cluster: app\n", cluster("app", backend.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/svc/Call", ":authority", "x",
                    "te", "trailers", "content-type", "application/grpc");
            h2.data(1, "request".getBytes(StandardCharsets.UTF_8), false);
            h2.headers(1, true, "x-checksum", "abc123");
            RawH2.Response r = h2.response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("body");
            // The upstream's chunked trailers became a trailing HEADERS frame ending the stream.
            assertThat(r.trailers).isNotNull();
            assertThat(r.trailers.get("grpc-status").toString()).isEqualTo("0");
            assertThat(r.trailers.get("grpc-message").toString()).isEqualTo("fine");
        }
        TestBackend.Received got = backend.last();
        assertThat(got.bodyText()).isEqualTo("request");
        assertThat(got.trailers().get("x-checksum")).isEqualTo("abc123");
        assertThat(got.headers().get("te")).isEqualTo("trailers");
    }

    /** RFC 9113 §8.3.1 and §8.2.3, as the upstream's HTTP/1.1 request shows them. */
    @Test
    void aStreamsFieldsBecomeAnHttp11HeadByHttp2sRules() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("ok")));
        WeirHarness weir = cleartext("", "      - cluster: app\n", cluster("app", backend.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/up?q=1", ":authority", "example.com",
                    "cookie", "a=1", "x-http2-scheme", "forged", "cookie", "b=2", "host", "example.com",
                    "x-end", "kept");
            h2.data(1, "body".getBytes(StandardCharsets.UTF_8), true);
            assertThat(h2.response(1).status()).isEqualTo(200);
            // A Host that says otherwise than :authority makes the request malformed: reset, never forwarded.
            h2.headers(3, true, ":method", "GET", ":scheme", "http", ":path", "/conflict", ":authority", "a.example",
                    "host", "b.example");
            assertThat(h2.response(3).reset).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        }
        assertThat(backend.received()).hasSize(1);
        TestBackend.Received got = backend.last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.uri()).isEqualTo("/up?q=1");
        assertThat(got.headers().getAll("host")).containsExactly("example.com");
        assertThat(got.headers().getAll("cookie")).containsExactly("a=1; b=2");
        assertThat(got.headers().get("transfer-encoding")).isEqualTo("chunked");
        assertThat(got.headers().get("x-end")).isEqualTo("kept");
        assertThat(got.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-http2-"));
        assertThat(got.bodyText()).isEqualTo("body");
    }

    /**
     * The listener's idle_timeout on an HTTP/2 connection runs only while no stream is open: a stream whose
     * upstream takes longer than it is answered first, and the GOAWAY comes once the connection has been idle.
     */
    @Test
    void anIdleConnectionGetsGoAwayButNotWhileAStreamIsOpen() throws Exception {
        RawBackend slow = track(RawBackend.start((socket, head) -> {
            // A slow upstream, more than twice the idle timeout.
            new CountDownLatch(1).await(700, TimeUnit.MILLISECONDS);
            RawBackend.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow");
        }));
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    idle_timeout: 300ms
                    routes:
                      - cluster: app
                clusters:
                """ + cluster("app", slow.address())));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.get(1, "/");
            RawH2.Frame f;
            StringBuilder body = new StringBuilder();
            do {
                f = h2.read();
                assertThat(f).isNotNull();
                assertThat(f.type()).as("no GOAWAY while the stream is open").isNotEqualTo(RawH2.GOAWAY);
                if (f.stream() == 1 && f.type() == RawH2.DATA) {
                    body.append(f.text());
                }
            } while (!(f.stream() == 1 && f.endStream()));
            assertThat(body.toString()).isEqualTo("slow");
            assertThat(h2.awaitGoAway()).isNotNull();
            assertThat(h2.read()).as("closed after the GOAWAY").isNull();
        }
    }

    @Test
    void retriesAndRateLimitsApplyToStreamsAsToHttp11Requests() throws Exception {
        TestBackend failing = track(TestBackend.start(r -> Reply.of(503, "down")));
        TestBackend good = track(TestBackend.named("good"));
        WeirHarness weir = cleartext("", """
                      - match: { path_prefix: /limited }
                        cluster: solo
                        rate_limit: { rate: 1/m, burst: 1 }
                      - cluster: app
                        retries: { attempts: 2, retry_on: [ 503 ] }
                """, "  - name: app\n    balance: round_robin\n    endpoints: [ \"" + failing.address() + "\", \""
                + good.address() + "\" ]\n" + cluster("solo", good.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            for (int i = 0; i < 4; i++) {
                int stream = 1 + 2 * i;
                h2.get(stream, "/retry/" + i);
                RawH2.Response r = h2.response(stream);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("good");
            }
            h2.get(21, "/limited/1");
            assertThat(h2.response(21).status()).isEqualTo(200);
            h2.get(23, "/limited/2");
            RawH2.Response limited = h2.response(23);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.headers.get("retry-after")).isNotNull();
        }
    }

    @Test
    void theAccessLogAndMetricsSayWhichProtocol() throws Exception {
        Path log = dir.resolve("access.log");
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = cleartext("access_log: { path: \"" + log + "\", format: '$protocol $method $uri $status' }",
                "      - cluster: app\n", cluster("app", backend.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.get(1, "/over-h2");
            assertThat(h2.response(1).status()).isEqualTo(200);
        }
        weir.get("/over-h1");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.readAllLines(log).size() == 2);
        assertThat(Files.readAllLines(log)).containsExactlyInAnyOrder("HTTP/2 GET /over-h2 200",
                "HTTP/1.1 GET /over-h1 200");
    }

    @Test
    void expectContinueIsRelayedAsAnInterimHeadersFrame() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("got " + r.bodyText())));
        WeirHarness weir = cleartext("", "      - cluster: app\n", cluster("app", backend.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/e", ":authority", "x",
                    "expect", "100-continue", "content-length", "5");
            RawH2.Frame interim = h2.await(f -> f.stream() == 1);
            assertThat(interim.type()).isEqualTo(RawH2.HEADERS);
            assertThat(interim.headers().status().toString()).isEqualTo("100");
            assertThat(interim.endStream()).isFalse();
            h2.data(1, "hello".getBytes(StandardCharsets.UTF_8), true);
            RawH2.Response r = h2.response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("got hello");
        }
    }

    @Test
    void headResponsesCarryNoBodyEvenWhenWeirAnswers() throws Exception {
        WeirHarness weir = onlyAppRouted();
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.headers(1, true, ":method", "HEAD", ":scheme", "http", ":path", "/app", ":authority", "x");
            RawH2.Response proxied = h2.response(1);
            assertThat(proxied.status()).isEqualTo(200);
            assertThat(proxied.headers.get("content-length").toString()).isEqualTo("4");
            assertThat(proxied.body.size()).isZero();
            h2.headers(3, true, ":method", "HEAD", ":scheme", "http", ":path", "/none", ":authority", "x");
            RawH2.Response local = h2.response(3);
            assertThat(local.status()).isEqualTo(404);
            assertThat(local.body.size()).isZero();
        }
    }

    @Test
    void aResponseCompleteBeforeTheRequestIsResetWithNoErrorAndOneAfterItIsNot() throws Exception {
        WeirHarness weir = onlyAppRouted();
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            // A body still to come when Weir has answered (no route): the client is told to stop sending it.
            h2.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/none", ":authority", "x");
            assertThat(h2.response(1).status()).isEqualTo(404);
            RawH2.Frame reset = h2.await(f -> f.stream() == 1 && f.type() == RawH2.RST_STREAM);
            assertThat(reset).isNotNull();
            assertThat(reset.errorCode()).isZero();
            // A request that had ended: its stream just closes. A reset would come before the next answer, which
            // needs the upstream.
            h2.get(3, "/none");
            assertThat(h2.response(3).status()).isEqualTo(404);
            h2.get(5, "/app");
            RawH2.Frame next = h2.await(f -> f.type() == RawH2.RST_STREAM || f.stream() == 5 && f.endStream());
            assertThat(next.stream()).isEqualTo(5);
            assertThat(next.type()).isNotEqualTo(RawH2.RST_STREAM);
        }
    }

    @Test
    void shutdownSendsGoAwayAndLetsTheStreamInFlightFinish() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        RawBackend slow = track(RawBackend.start((s, head) -> {
            gate.await();
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow");
        }));
        WeirHarness weir = cleartext("", "      - cluster: app\n", cluster("app", slow.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.get(1, "/slow");
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.heads().size() == 1);
            CompletableFuture<Boolean> shutdown = weir.shutdownGracefullyInBackground(Duration.ofSeconds(30));
            RawH2.Frame goAway = h2.awaitGoAway();
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isZero();
            assertThat(shutdown).isNotDone();

            gate.countDown();
            RawH2.Response r = h2.response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("slow");
            assertThat(shutdown.get(30, TimeUnit.SECONDS)).as("every connection finished in time").isTrue();
        } finally {
            gate.countDown();
        }
    }

    @Test
    void curlSpeaksHttp2OverTlsAndWithPriorKnowledge() throws Exception {
        assumeThat(curlWithHttp2()).as("curl with HTTP/2 (nghttp2) is installed").isTrue();
        TestBackend backend = track(TestBackend.named("curl-backend"));
        WeirHarness secure = tls("      - cluster: app", cluster("app", backend.address()));
        WeirHarness plain = cleartext("", "      - cluster: app\n", cluster("app", backend.address()));

        assertThat(curl("--http2", "--cacert", TLS.resolve("ca.pem").toString(),
                "https://localhost:" + secure.port() + "/tls")).isEqualTo("2 200 curl-backend");
        assertThat(curl("--http2-prior-knowledge", "http://127.0.0.1:" + plain.port() + "/h2c"))
                .isEqualTo("2 200 curl-backend");
        // Without prior knowledge a cleartext request is HTTP/1.1 on the same listener.
        assertThat(curl("--http1.1", "http://127.0.0.1:" + plain.port() + "/h1")).isEqualTo("1.1 200 curl-backend");
    }

    @Test
    void upgradeH2cIsTakenWhenEnabledAndTheRequestIsServedAsStreamOne() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("seen " + r.uri())));
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    http2: { h2c_upgrade: true }
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                """.formatted(backend.address())));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        for (String path : List.of("/first", "/second")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(weir.uri(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).isEqualTo("seen " + path);
        }
        // A request with a body is not upgraded (the JDK does not ask), yet is served.
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(weir.uri("/post"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.body()).isEqualTo("seen /post");
        assertThat(backend.received()).allSatisfy(r -> {
            assertThat(r.headers().contains("upgrade")).isFalse();
            assertThat(r.headers().contains("http2-settings")).isFalse();
        });
        if (curlWithHttp2()) {
            assertThat(curl("--http2", "http://127.0.0.1:" + weir.port() + "/curl")).isEqualTo("2 200 seen /curl");
        }
    }

    @Test
    void upgradeH2cIsIgnoredByDefaultAndNeverForwarded() throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = cleartext("", "      - cluster: app\n", cluster("app", backend.address()));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(weir.uri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(r.body()).isEqualTo("b");
        assertThat(backend.last().headers().contains("upgrade")).isFalse();
        assertThat(backend.last().headers().contains("http2-settings")).isFalse();
    }

    static boolean curlWithHttp2() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.contains("HTTP2");
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs curl; returns "HTTP-VERSION STATUS BODY". */
    static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-w",
                "%{http_version} %{http_code} "));
        command.addAll(List.of(args));
        command.add("-o");
        command.add("/dev/stderr");
        Process p = new ProcessBuilder(command).start();
        String meta = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String body = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return meta + body;
    }
}
