package io.weir.health;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.weir.cluster.EndpointState;
import io.weir.testing.TestBackend;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code health_check: { type: grpc }} against a real grpc-java server whose health service
 * ({@link HealthStatusManager}) the test switches between SERVING and NOT_SERVING.
 */
class GrpcHealthCheckTest extends HealthTestBase {

    private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

    private static String check(String extra) {
        return "health_check: { type: grpc, interval: 300ms, timeout: 300ms, healthy_threshold: 1, "
                + "unhealthy_threshold: 2" + extra + " }\n";
    }

    /** A grpc-java server with the standard health service, on loopback; closed after the test. */
    private HealthStatusManager grpcServer(NettyServerBuilder builder, String[] address) throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        Server server = builder.addService(health.getHealthService()).build().start();
        track(() -> {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        });
        address[0] = "127.0.0.1:" + server.getPort();
        return health;
    }

    private HealthStatusManager grpcServer(String[] address) throws Exception {
        return grpcServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), address);
    }

    @Test
    void servingIsHealthyAndNotServingTurnsUnhealthy() throws Exception {
        String[] address = new String[1];
        HealthStatusManager health = grpcServer(address);
        health.setStatus("", ServingStatus.SERVING);
        start(check(""), address[0]);
        awaitState(address[0], EndpointState.HEALTHY);
        assertThat(weir.weir().health().lastTransition(endpoint(address[0])).orElseThrow().reason())
                .contains("SERVING");

        health.setStatus("", ServingStatus.NOT_SERVING);
        awaitState(address[0], EndpointState.UNHEALTHY);
        awaitReason(address[0], "NOT_SERVING");

        health.setStatus("", ServingStatus.SERVING);
        awaitState(address[0], EndpointState.HEALTHY);
    }

    @Test
    void aNamedServiceIsAskedAbout() throws Exception {
        String[] address = new String[1];
        HealthStatusManager health = grpcServer(address);
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus("shop.v1.Cart", ServingStatus.SERVING);
        start(check(", service: shop.v1.Cart"), address[0]);
        awaitState(address[0], EndpointState.HEALTHY);
        awaitReason(address[0], "shop.v1.Cart SERVING");

        // The server as a whole still serves; the named service does not.
        health.setStatus("shop.v1.Cart", ServingStatus.NOT_SERVING);
        awaitState(address[0], EndpointState.UNHEALTHY);
        awaitReason(address[0], "shop.v1.Cart NOT_SERVING");
    }

    @Test
    void anUnknownServiceIsUnhealthyWithTheServersGrpcStatus() throws Exception {
        String[] address = new String[1];
        grpcServer(address).setStatus("", ServingStatus.SERVING);
        start(check(", service: no.such.Service, initial_state: healthy"), address[0]);
        awaitReason(address[0], "grpc-status 5 NOT_FOUND");
        assertThat(endpoint(address[0]).state()).isEqualTo(EndpointState.UNHEALTHY);
    }

    @Test
    void overTlsTheCheckNegotiatesH2WithAlpn() throws Exception {
        String[] address = new String[1];
        HealthStatusManager health = grpcServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(TLS.resolve("a.pem").toFile(), TLS.resolve("a.key").toFile())
                        .build()), address);
        health.setStatus("", ServingStatus.SERVING);
        String localhost = "localhost:" + address[0].split(":")[1];
        start(check("") + "tls: { verify: " + TLS.resolve("ca.pem") + " }\n", localhost);
        awaitState(localhost, EndpointState.HEALTHY);
        health.setStatus("", ServingStatus.NOT_SERVING);
        awaitReason(localhost, "NOT_SERVING");
    }

    @Test
    void anHttp1ServerIsNotAGrpcServer() throws Exception {
        TestBackend http1 = track(TestBackend.start(r -> TestBackend.Reply.text("ok")));
        start(check(""), http1.address());
        awaitState(http1.address(), EndpointState.UNHEALTHY);
        assertThat(weir.weir().health().lastTransition(endpoint(http1.address()))).isPresent();
    }
}
