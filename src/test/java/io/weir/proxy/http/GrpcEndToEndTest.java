package io.weir.proxy.http;

import io.weir.testing.Ports;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.weir.testing.SocketTest;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * gRPC end to end: a grpc-java client speaks HTTP/2 to Weir (cleartext, prior knowledge), Weir forwards each
 * call as a stream to a grpc-java server behind a {@code protocol: h2} cluster. Unary and server-streaming
 * calls, statuses from the server's trailers, and Weir's own failures as gRPC statuses.
 */
class GrpcEndToEndTest extends SocketTest {

    private WeirHarness weir(int endpointPort) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    http2: { enabled: true }
                    routes:
                      - cluster: grpc
                clusters:
                  - name: grpc
                    protocol: h2
                    endpoints: [ 127.0.0.1:%d ]
                """.formatted(endpointPort)));
    }

    private int server(HealthStatusManager health) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(health.getHealthService()).build().start();
        track(() -> {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        });
        return server.getPort();
    }

    private HealthGrpc.HealthBlockingStub client(WeirHarness weir) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", weir.port()).usePlaintext().build();
        track(() -> {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        });
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Test
    void unaryCallsAndTheServersStatusesPassThrough() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("shop.v1.Cart", ServingStatus.NOT_SERVING);
        HealthGrpc.HealthBlockingStub client = client(weir(server(health)));
        assertThat(client.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
        assertThat(client.check(HealthCheckRequest.newBuilder().setService("shop.v1.Cart").build()).getStatus())
                .isEqualTo(ServingStatus.NOT_SERVING);
        // The server's NOT_FOUND travels back in its trailers (a Trailers-Only response).
        assertThatThrownBy(() -> client.check(HealthCheckRequest.newBuilder().setService("nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).as(e.getStatus().toString())
                                .isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aServerStreamingCallDeliversEachMessageAsItIsSent() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("shop.v1.Cart", ServingStatus.SERVING);
        HealthGrpc.HealthBlockingStub client = client(weir(server(health)));
        Iterator<HealthCheckResponse> watch = client.watch(HealthCheckRequest.newBuilder()
                .setService("shop.v1.Cart").build());
        assertThat(watch.next().getStatus()).isEqualTo(ServingStatus.SERVING);
        // The stream is still open through Weir: the next update arrives while the call goes on.
        health.setStatus("shop.v1.Cart", ServingStatus.NOT_SERVING);
        assertThat(watch.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    void weirsOwnFailureReachesTheClientAsAGrpcStatus() throws Exception {
        int closed = Ports.free();
        HealthGrpc.HealthBlockingStub client = client(weir(closed));
        assertThatThrownBy(() -> client.check(HealthCheckRequest.newBuilder().build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).isEqualTo("weir: 502 Bad Gateway");
                });
    }
}
