package io.weir.proxy.http;

import io.weir.testing.Ports;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.weir.testing.H2Backend;
import io.weir.testing.RawHttp;
import io.weir.testing.SocketTest;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When Weir answers a gRPC call itself, the client gets a gRPC status (HTTP 200, grpc-status, grpc-message, no
 * body), never an HTML or text error page; and the call's grpc-timeout is its deadline.
 */
class GrpcLocalRepliesTest extends SocketTest {

    private static final String GRPC_CALL = "POST /shop.v1.Cart/Add HTTP/1.1\r\nHost: grpc\r\n"
            + "Content-Type: application/grpc\r\nTE: trailers\r\nContent-Length: 5\r\n%s\r\n\0\0\0\0\0";

    private WeirHarness weir(String endpoints, String routeExtra) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: grpc
                        %s
                clusters:
                  - name: grpc
                    protocol: h2
                    endpoints: [ %s ]
                """.formatted(routeExtra, endpoints)));
    }


    private static RawHttp.Response call(WeirHarness weir, String extraHeaders) throws IOException {
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write(GRPC_CALL.formatted(extraHeaders));
            return client.readResponse();
        }
    }

    @Test
    void anUnreachableEndpointIsUnavailable() throws Exception {
        WeirHarness weir = weir("127.0.0.1:" + Ports.free(), "");
        RawHttp.Response response = call(weir, "");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).isEqualTo("application/grpc");
        assertThat(response.header("grpc-status")).isEqualTo("14");
        assertThat(response.header("grpc-message")).isEqualTo("weir: 502 Bad Gateway");
        assertThat(response.body()).isEmpty();

        // Anything but gRPC still gets the plain answer.
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(502);
        }
    }

    @Test
    void noAvailableEndpointIsUnavailable() throws Exception {
        WeirHarness weir = weir("{ address: '127.0.0.1:" + Ports.free() + "', weight: 0 }", "");
        RawHttp.Response response = call(weir, "");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("grpc-status")).isEqualTo("14");
        assertThat(response.header("grpc-message")).isEqualTo("weir: 503 Service Unavailable");
    }

    @Test
    void theCallsGrpcTimeoutIsItsDeadline() throws Exception {
        H2Backend backend = track(H2Backend.start(r -> H2Backend.Reply.text("late")));
        backend.hold();
        WeirHarness weir = weir(backend.address(), "");
        RawHttp.Response response = call(weir, "grpc-timeout: 200m\r\n");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("grpc-status")).isEqualTo("4");
        assertThat(response.header("grpc-message")).isEqualTo("weir: 504 Gateway Timeout");
        // The backend saw the deadline too: it is passed on as it came.
        assertThat(backend.received().get(0).header("grpc-timeout")).isEqualTo("200m");
        backend.releaseHeld();
    }

    @Test
    void refusalsBeforeAnyClusterAreGrpcStatusesToo() throws Exception {
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - match: { path_prefix: /small. }
                        cluster: grpc
                        max_body: 1
                      - match: { path_prefix: /limited. }
                        cluster: grpc
                        rate_limit: { rate: 1/m, burst: 1 }
                clusters:
                  - name: grpc
                    protocol: h2
                    endpoints: [ 127.0.0.1:%d ]
                """.formatted(Ports.free())));
        // No route: UNIMPLEMENTED. Over max_body: RESOURCE_EXHAUSTED. Over the rate limit: UNAVAILABLE.
        assertGrpcStatus(callPath(weir, "/shop.v1.Cart/Add"), "12", "404");
        assertGrpcStatus(callPath(weir, "/small.v1.Cart/Add"), "8", "413");
        callPath(weir, "/limited.v1.Cart/Add");
        assertGrpcStatus(callPath(weir, "/limited.v1.Cart/Add"), "14", "429");
    }

    private static RawHttp.Response callPath(WeirHarness weir, String path) throws IOException {
        return RawHttp.send(weir.port(), GRPC_CALL.replace("/shop.v1.Cart/Add", path).formatted(""));
    }

    private static void assertGrpcStatus(RawHttp.Response response, String grpcStatus, String httpStatus) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).isEqualTo("application/grpc");
        assertThat(response.header("grpc-status")).isEqualTo(grpcStatus);
        assertThat(response.header("grpc-message")).startsWith("weir: " + httpStatus);
    }

    @Test
    void grpcTimeoutsAreParsedByTheSpec() {
        assertThat(GrpcStatus.timeoutNanos(headers("grpc-timeout", "200m"))).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(GrpcStatus.timeoutNanos(headers("grpc-timeout", "1H"))).isEqualTo(TimeUnit.HOURS.toNanos(1));
        assertThat(GrpcStatus.timeoutNanos(headers("grpc-timeout", "99999999n"))).isEqualTo(99_999_999L);
        assertThat(GrpcStatus.timeoutNanos(headers("grpc-timeout", "123456789S"))).isEqualTo(-1); // 9 digits
        assertThat(GrpcStatus.timeoutNanos(headers("grpc-timeout", "5s"))).isEqualTo(-1);
        assertThat(GrpcStatus.timeoutNanos(headers("grpc-timeout", "m"))).isEqualTo(-1);
        assertThat(GrpcStatus.timeoutNanos(headers("x", "1S"))).isEqualTo(-1);
        assertThat(GrpcStatus.isGrpc(headers("content-type", "application/grpc+proto"))).isTrue();
        assertThat(GrpcStatus.isGrpc(headers("content-type", "application/grpc"))).isTrue();
        assertThat(GrpcStatus.isGrpc(headers("content-type", "application/grpc-web"))).isFalse();
        assertThat(GrpcStatus.isGrpc(headers("content-type", "application/json"))).isFalse();
    }

    private static HttpHeaders headers(String name, String value) {
        return new DefaultHttpHeaders().add(name, value);
    }
}
