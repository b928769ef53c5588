package io.weir.health;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.weir.cluster.EndpointState;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** A cluster with upstream {@code tls}: its http checks speak TLS too, verified like its requests. */
class HttpCheckOverTlsTest extends HealthTestBase {

    private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

    private TestBackend tlsBackend() throws Exception {
        SslContext server = SslContextBuilder.forServer(TLS.resolve("a.pem").toFile(), TLS.resolve("a.key").toFile())
                .build();
        return track(TestBackend.startTls(server, r -> r.uri().equals("/healthz") ? Reply.text("ok")
                : Reply.of(404, "")));
    }

    private static String cluster(String verify) {
        return """
                tls: { verify: %s }
                health_check: { type: http, path: /healthz, interval: 500ms, timeout: 500ms, healthy_threshold: 1,
                                unhealthy_threshold: 1 }
                """.formatted(verify);
    }

    @Test
    void anEndpointThatSpeaksOnlyTlsIsCheckedOverTls() throws Exception {
        TestBackend backend = tlsBackend();
        start(cluster(TLS.resolve("ca.pem").toString()), backend.address());
        awaitState(backend.address(), EndpointState.HEALTHY);
    }

    @Test
    void anUntrustedCertificateFailsTheCheckWithItsReason() throws Exception {
        TestBackend backend = tlsBackend();
        // The test CA is not in the system trust store.
        start(cluster("system"), backend.address());
        awaitReason(backend.address(), "TLS handshake failed: ");
        org.assertj.core.api.Assertions.assertThat(endpoint(backend.address()).state())
                .isEqualTo(EndpointState.UNHEALTHY);
    }
}
