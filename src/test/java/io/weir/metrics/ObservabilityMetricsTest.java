package io.weir.metrics;

import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Metrics of operations, scraped from /metrics after the real events: health, ejection, retries, TLS. */
class ObservabilityMetricsTest extends SocketTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

    private static String scrape(WeirHarness weir) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.weir().adminAddress().getPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of the sample {@code series} (name and labels as exposed), 0 when absent. */
    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void healthTransitionsAndEjectionsAreCounted() throws Exception {
        TestBackend good = track(TestBackend.named("good"));
        TestBackend failing = track(TestBackend.start(r -> Reply.of(503, "broken")));
        WeirHarness weir = track(WeirHarness.start("""
                admin: { listen: 127.0.0.1:0 }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s", "%s" ]
                    health_check: { type: tcp, interval: 200ms, timeout: 150ms, jitter: 0ms,
                                    healthy_threshold: 1, unhealthy_threshold: 1, initial_state: healthy }
                    outlier_detection: { consecutive_failures: 2, base_ejection_time: 1m }
                """.formatted(good.address(), failing.address())));
        String ejected = "weir_ejections_total{cluster=\"app\",endpoint=\"" + failing.address() + "\"}";
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            weir.get("/");
            return value(scrape(weir), ejected) == 1;
        });
        assertThat(value(scrape(weir), "weir_health_transitions_total{cluster=\"app\",endpoint=\""
                + failing.address() + "\",to=\"ejected\"}")).isEqualTo(1);

        good.close();
        String unhealthy = "weir_health_transitions_total{cluster=\"app\",endpoint=\"" + good.address()
                + "\",to=\"unhealthy\"}";
        await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(weir), unhealthy) == 1);
        assertThat(value(scrape(weir), "weir_endpoint_healthy{cluster=\"app\",endpoint=\"" + good.address() + "\"}"))
                .isZero();
    }

    @Test
    void retriesAndRetryBudgetExhaustionAreCounted() throws Exception {
        TestBackend busy = track(TestBackend.start(r -> Reply.of(503, "busy")));
        TestBackend busy2 = track(TestBackend.start(r -> Reply.of(503, "busy")));
        TestBackend good = track(TestBackend.named("good"));
        WeirHarness weir = track(WeirHarness.start("""
                admin: { listen: 127.0.0.1:0 }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - match: { path_prefix: /tight }
                        cluster: tight
                        retries: { attempts: 2, retry_on: [503], backoff: { base: 1ms, max: 2ms } }
                      - cluster: app
                        retries: { attempts: 2, retry_on: [503], backoff: { base: 1ms, max: 2ms } }
                clusters:
                  - name: app
                    balance: round_robin
                    endpoints: [ "%s", "%s" ]
                  - name: tight
                    retry_budget: { percent: 0, min_per_second: 0 }
                    endpoints: [ "%s" ]
                """.formatted(busy.address(), good.address(), busy2.address())));
        for (int i = 0; i < 6; i++) {
            assertThat(weir.get("/").statusCode()).isEqualTo(200);
            assertThat(weir.get("/tight").statusCode()).isEqualTo(503);
        }
        String metrics = scrape(weir);
        assertThat(value(metrics, "weir_retries_total{cluster=\"app\"}")).isPositive();
        assertThat(value(metrics, "weir_retry_budget_exhausted_total{cluster=\"app\"}")).isZero();
        assertThat(value(metrics, "weir_retries_total{cluster=\"tight\"}")).isZero();
        assertThat(value(metrics, "weir_retry_budget_exhausted_total{cluster=\"tight\"}")).isEqualTo(6);
    }

    @Test
    void tlsHandshakesAreCountedBySuccessAndFailure() throws Exception {
        TestBackend backend = track(TestBackend.named("app"));
        WeirHarness weir = track(WeirHarness.start("""
                admin: { listen: 127.0.0.1:0 }
                listeners:
                  - name: secure
                    listen: 127.0.0.1:0
                    tls:
                      certificates: [ { cert: %1$s/a.pem, key: %1$s/a.key } ]
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%2$s" ]
                """.formatted(TLS, backend.address())));
        int port = weir.port("secure");
        HttpResponse<String> ok = HttpClient.newBuilder().sslContext(trustingTestCa()).build().send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        // Plain HTTP to the TLS port: not a ClientHello, the handshake fails.
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
            plain.setSoTimeout(10_000);
            OutputStream out = plain.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            plain.getInputStream().readAllBytes();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = scrape(weir);
            assertThat(value(metrics, "weir_tls_handshakes_total{listener=\"secure\",result=\"success\"}")).isEqualTo(1);
            assertThat(value(metrics, "weir_tls_handshakes_total{listener=\"secure\",result=\"failure\"}")).isEqualTo(1);
        });
    }

    @Test
    void weirMetricNamesFollowPrometheusConventions() throws Exception {
        TestBackend backend = track(TestBackend.named("app"));
        WeirHarness weir = track(WeirHarness.start("""
                admin: { listen: 127.0.0.1:0 }
                access_log: { path: stdout }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                        retries: { attempts: 2 }
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                    outlier_detection: { consecutive_failures: 5 }
                """.formatted(backend.address())));
        weir.get("/");
        String metrics = scrape(weir);
        Matcher type = Pattern.compile("^# TYPE (weir_\\S+) (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        int seen = 0;
        while (type.find()) {
            String name = type.group(1);
            seen++;
            assertThat(name).matches("weir(_[a-z0-9]+)+");
            switch (type.group(2)) {
                case "counter" -> assertThat(name).as("a counter's name").endsWith("_total");
                case "gauge" -> assertThat(name).as("a gauge's name").doesNotEndWith("_total");
                case "histogram" -> assertThat(name).as("a histogram's unit").matches(".*_(seconds|bytes)");
                default -> throw new AssertionError("unexpected type of " + name + ": " + type.group(2));
            }
        }
        assertThat(seen).isGreaterThan(10);
        assertThat(metrics).contains("weir_access_log_dropped_total").contains("weir_retries_total")
                .contains("weir_ejections_total");
    }

    private static SSLContext trustingTestCa() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(TLS.resolve("ca.pem"))) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
