package io.weir.tls;

import io.weir.testing.RawHttp;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TlsTerminationTest extends SocketTest {

    private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

    private WeirHarness start(TestBackend backend, String extra) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    tls:
                      certificates:
                        - { cert: %1$s/a.pem, key: %1$s/a.key }
                        - { cert: %1$s/b.pem, key: %1$s/b.key }
                        - { cert: %1$s/c.pem, key: %1$s/c-pkcs1.key }
                %2$s
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%3$s" ]
                """.formatted(TLS, extra, backend.address())));
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

    @Test
    void terminatesTlsAndTellsTheUpstreamTheSchemeWasHttps() throws Exception {
        TestBackend backend = track(TestBackend.named("plain-backend"));
        WeirHarness weir = start(backend, "");
        HttpClient client = HttpClient.newBuilder().sslContext(trustingTestCa()).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + weir.port() + "/secure")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("plain-backend");
        assertThat(backend.last().headers().get("x-forwarded-proto")).isEqualTo("https");
        assertThat(backend.last().headers().get("forwarded")).contains("proto=https");
    }

    @Test
    void choosesTheCertificateBySniIncludingWildcardsAndPkcs1KeysAndFallsBackToTheFirst() throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = start(backend, "");
        // A fresh client context per name: a cached session would skip the certificate choice.
        assertThat(serverCertificateFor(trustingTestCa(), weir.port(), "a.example.com")).isEqualTo("CN=a.example.com");
        assertThat(serverCertificateFor(trustingTestCa(), weir.port(), "x.b.example.com")).isEqualTo("CN=b.example.com");
        assertThat(serverCertificateFor(trustingTestCa(), weir.port(), "c.example.com")).isEqualTo("CN=c.example.com");
        assertThat(serverCertificateFor(trustingTestCa(), weir.port(), "unknown.example.net"))
                .isEqualTo("CN=a.example.com");
    }

    @Test
    void offersOnlyTls12And13() throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = start(backend, "");
        try (SSLSocket socket = (SSLSocket) trustingTestCa().getSocketFactory().createSocket("127.0.0.1", weir.port())) {
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        }
        try (SSLSocket socket = (SSLSocket) trustingTestCa().getSocketFactory().createSocket("127.0.0.1", weir.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void aClientThatNeverHandshakesIsClosedAfterTheHandshakeTimeout() throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = start(backend, "      handshake_timeout: 300ms");
        try (Socket socket = new Socket("127.0.0.1", weir.port())) {
            socket.setSoTimeout(10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> socket.getInputStream().read() < 0);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void certificatesReloadWhenTheirFilesChangeAndOpenConnectionsCarryOn(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path cert = dir.resolve("site.pem");
        Path key = dir.resolve("site.key");
        Files.copy(TLS.resolve("a.pem"), cert);
        Files.copy(TLS.resolve("a.key"), key);
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    tls:
                      certificates: [ { cert: %s, key: %s } ]
                      reload_check_interval: 100ms
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                """.formatted(cert, key, backend.address())));
        assertThat(serverCertificateFor(trustingTestCa(), weir.port(), "c.example.com")).isEqualTo("CN=a.example.com");
        try (SSLSocket open = (SSLSocket) trustingTestCa().getSocketFactory().createSocket("127.0.0.1", weir.port())) {
            open.startHandshake();
            // Replace key first, then certificate, as a deploy tool would; a half-written pair must not take effect.
            Files.copy(TLS.resolve("c-pkcs1.key"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(TLS.resolve("c.pem"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    serverCertificateFor(trustingTestCa(), weir.port(), "c.example.com").equals("CN=c.example.com"));
            // The connection opened before the reload still works.
            open.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] head = open.getInputStream().readNBytes(12);
            assertThat(new String(head, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        }
    }

    @Test
    void aReloadThatTurnsTlsOnServesNewConnectionsOverTlsOnTheSamePortAndOpenOnesCarryOn(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        String yaml = """
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                %s
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                """;
        WeirHarness weir = track(WeirHarness.start(yaml.formatted("", backend.address())));
        int port = weir.port();
        RawHttp plain = track(new RawHttp(port));
        plain.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(plain.readResponse().status()).isEqualTo(200);

        Path file = dir.resolve("weir.yaml");
        Files.writeString(file, yaml.formatted("""
                    tls:
                      certificates: [ { cert: %1$s/a.pem, key: %1$s/a.key } ]
                """.formatted(TLS), backend.address()));
        assertThat(weir.weir().reload(file).ok()).isTrue();

        // Port 0: a listener bound anew would have come back on another port.
        assertThat(weir.port()).isEqualTo(port);
        assertThat(serverCertificateFor(trustingTestCa(), port, "a.example.com")).isEqualTo("CN=a.example.com");
        // The connection opened before the reload goes on in plain HTTP.
        plain.write("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(plain.readResponse().status()).isEqualTo(200);
        assertThat(backend.last().headers().get("x-forwarded-proto")).isEqualTo("http");
    }

    /**
     * A reload that gives a TLS listener new contexts stops the polling of the old ones: each change of the
     * certificate files is seen once, not once per reload that ever touched the listener.
     */
    @Test
    void aReloadedListenersOldCertificatesAreNoLongerWatched(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // The files sit behind a directory symlink that is swapped whole, so that one change is one change.
        for (String version : List.of("a", "c")) {
            Path d = Files.createDirectory(dir.resolve(version));
            Files.copy(TLS.resolve(version + ".pem"), d.resolve("site.pem"));
            Files.copy(TLS.resolve(version.equals("a") ? "a.key" : "c-pkcs1.key"), d.resolve("site.key"));
        }
        Path current = Files.createSymbolicLink(dir.resolve("current"), dir.resolve("a"));
        TestBackend backend = track(TestBackend.named("b"));
        String yaml = """
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    idle_timeout: %s
                    tls:
                      certificates: [ { cert: %s/site.pem, key: %s/site.key } ]
                      reload_check_interval: 50ms
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                """;
        WeirHarness weir = track(WeirHarness.start(yaml.formatted("60s", current, current, backend.address())));
        Path file = dir.resolve("weir.yaml");
        for (String idle : List.of("30s", "20s", "10s")) {
            Files.writeString(file, yaml.formatted(idle, current, current, backend.address()));
            assertThat(weir.weir().reload(file).ok()).isTrue();
        }

        ch.qos.logback.classic.Logger watcher =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(CertificateWatcher.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Level level = watcher.getLevel();
        logged.start();
        watcher.addAppender(logged);
        watcher.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            for (String[] swap : List.of(new String[] {"c", "CN=c.example.com"},
                    new String[] {"a", "CN=a.example.com"})) {
                Path link = dir.resolve("next");
                Files.createSymbolicLink(link, dir.resolve(swap[0]));
                Files.move(link, current, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        serverCertificateFor(trustingTestCa(), weir.port(), "x.example.com").equals(swap[1]));
            }
        } finally {
            watcher.detachAppender(logged);
            watcher.setLevel(level);
        }
        // Four contexts were built (the start and three reloads), one is in use: two swaps, two changes seen.
        assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().startsWith("certificate files changed"))
                .hasSize(2);
    }

    private static String serverCertificateFor(SSLContext ctx, int port, String sni) throws Exception {
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters params = socket.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sni)));
            socket.setSSLParameters(params);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }
}
