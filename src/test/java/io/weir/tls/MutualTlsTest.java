package io.weir.tls;

import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** mTLS downstream: the client certificate is verified, and its identity goes upstream in a header. */
class MutualTlsTest extends SocketTest {

    private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

    private WeirHarness start(TestBackend backend, String mode) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    tls:
                      certificates: [ { cert: %1$s/a.pem, key: %1$s/a.key } ]
                      client_auth: { mode: %2$s, ca: %1$s/ca.pem }
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%3$s" ]
                """.formatted(TLS, mode, backend.address())));
    }

    private static SSLContext client(boolean withCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(TLS.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", PemFiles.privateKey(TLS.resolve("client.key")), new char[0],
                    PemFiles.certificates(TLS.resolve("client.pem")));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String get(SSLContext ctx, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "x-forwarded-client-cert: Subject=\"CN=forged\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aVerifiedClientCertificateIsPassedUpstreamAndForgeriesAreDropped() throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = start(backend, "require");
        assertThat(get(client(true), weir.port())).startsWith("HTTP/1.1 200");
        assertThat(backend.last().headers().getAll("x-forwarded-client-cert"))
                .containsExactly("Subject=\"CN=weir-test-client\";DNS=client.example.com");
    }

    @Test
    void requireRefusesAClientWithoutACertificate() throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = start(backend, "require");
        assertThatThrownBy(() -> get(client(false), weir.port())).isInstanceOf(java.io.IOException.class);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void optionalServesAClientWithoutACertificateButNeverForwardsItsOwnHeader() throws Exception {
        TestBackend backend = track(TestBackend.named("b"));
        WeirHarness weir = start(backend, "optional");
        assertThat(get(client(false), weir.port())).startsWith("HTTP/1.1 200");
        assertThat(backend.last().headers().contains("x-forwarded-client-cert")).isFalse();
    }
}
