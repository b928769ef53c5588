package io.weir.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Re-encryption to upstreams: verified against a CA file with hostname verification, or refused. */
class UpstreamTlsTest extends SocketTest {

    private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

    private TestBackend tlsBackend() throws Exception {
        SslContext server = SslContextBuilder.forServer(PemFiles.privateKey(TLS.resolve("a.key")),
                PemFiles.certificates(TLS.resolve("a.pem"))).build();
        return track(TestBackend.startTls(server, r -> Reply.text("secret")));
    }

    private WeirHarness weir(TestBackend backend, String tls) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    tls: %s
                    endpoints: [ "%s" ]
                """.formatted(tls, backend.address())));
    }

    @Test
    void encryptsToAnUpstreamVerifiedByItsCa() throws Exception {
        TestBackend backend = tlsBackend();
        WeirHarness weir = weir(backend, "{ verify: " + TLS.resolve("ca.pem") + " }");
        assertThat(weir.get("/").body()).isEqualTo("secret");
    }

    @Test
    void refusesAnUpstreamWhoseCertificateIsNotTrustedOrNotForItsName() throws Exception {
        TestBackend backend = tlsBackend();
        // The test CA is not in the system trust store.
        assertThat(weir(backend, "{ verify: system }").get("/").statusCode()).isEqualTo(502);
        // Trusted CA, but the certificate is not for this name.
        assertThat(weir(backend, "{ verify: " + TLS.resolve("ca.pem") + ", sni: wrong.example.com }").get("/")
                .statusCode()).isEqualTo(502);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void verifyNoneEncryptsWithoutAuthenticating() throws Exception {
        TestBackend backend = tlsBackend();
        assertThat(weir(backend, "{ verify: none }").get("/").body()).isEqualTo("secret");
    }
}
