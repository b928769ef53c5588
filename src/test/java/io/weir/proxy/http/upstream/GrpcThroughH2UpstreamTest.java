package io.weir.proxy.http.upstream;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.weir.testing.RawHttp;
import io.weir.testing.SocketTest;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real grpc-java server behind a {@code protocol: h2} cluster, called by an HTTP/1.1 client with gRPC's
 * framing: the call reaches the server as a gRPC call, and its grpc-status comes back, in the trailers of a
 * chunked response or, for a Trailers-Only answer, in the head.
 */
class GrpcThroughH2UpstreamTest extends SocketTest {

    private WeirHarness weirFor(HealthStatusManager health) throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(health.getHealthService()).build().start();
        track(() -> {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        });
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: grpc
                clusters:
                  - name: grpc
                    protocol: h2
                    endpoints: [ 127.0.0.1:%d ]
                """.formatted(server.getPort())));
    }

    private static String call(String service) {
        byte[] message = HealthCheckRequest.newBuilder().setService(service).build().toByteArray();
        ByteBuffer framed = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
        String body = new String(framed.array(), StandardCharsets.ISO_8859_1);
        return "POST /grpc.health.v1.Health/Check HTTP/1.1\r\nHost: grpc.example.com\r\n"
                + "Content-Type: application/grpc\r\nTE: trailers\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body;
    }

    @Test
    void aUnaryCallGetsItsAnswerAndGrpcStatusInTheTrailers() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("shop.v1.Cart", ServingStatus.NOT_SERVING);
        WeirHarness weir = weirFor(health);
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write(call("shop.v1.Cart"));
            RawHttp.Response response = client.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).isEqualTo("application/grpc");
            assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
            String body = response.body();
            int trailers = body.indexOf("\n[trailer] ");
            assertThat(body.substring(trailers)).contains("[trailer] grpc-status: 0");
            byte[] framed = body.substring(0, trailers).getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer in = ByteBuffer.wrap(framed);
            assertThat(in.get()).isZero();
            byte[] message = new byte[in.getInt()];
            in.get(message);
            assertThat(HealthCheckResponse.parseFrom(message).getStatus()).isEqualTo(ServingStatus.NOT_SERVING);

            // The same downstream connection carries the next call.
            health.setStatus("shop.v1.Cart", ServingStatus.SERVING);
            client.write(call("shop.v1.Cart"));
            assertThat(client.readResponse().body()).contains("[trailer] grpc-status: 0");
        }
    }

    @Test
    void aTrailersOnlyAnswerKeepsItsGrpcStatusInTheHead() throws Exception {
        WeirHarness weir = weirFor(new HealthStatusManager());
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write(call("no.such.Service"));
            RawHttp.Response response = client.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("grpc-status")).isEqualTo("5");
            assertThat(response.header("grpc-message")).contains("unknown service");
            assertThat(response.body()).isEmpty();
        }
    }
}
