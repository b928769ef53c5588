package io.weir.proxy.http;

import io.weir.testing.SocketTest;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyBasicsTest extends SocketTest {

    @Test
    void forwardsAndBalancesWithSmoothWeights() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        TestBackend c = track(TestBackend.named("c"));
        WeirHarness weir = track(WeirHarness.forward(
                "{ address: " + a.address() + ", weight: 5 }", b.address(), c.address()));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            order.append(weir.get("/x").body());
        }
        // The nginx sequence; each Weir starts at its own seeded point of the cycle.
        assertThat("aabacaaaabacaa").contains(order.toString());
    }

    @Test
    void keepsConnectionsAliveOnBothSides() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawHttp client = new RawHttp(weir.port())) {
            for (int i = 0; i < 50; i++) {
                client.write("GET /n/" + i + " HTTP/1.1\r\nHost: example.com\r\n\r\n");
                RawHttp.Response r = client.readResponse();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("a");
            }
        }
        assertThat(backend.received()).hasSize(50);
        // Requests took turns on one downstream connection, so one pooled upstream connection served them all.
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void streamsRequestBodiesWithContentLengthAndChunkedWithTrailers() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("got " + r.bodyLength())));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        HttpResponse<String> r = weir.send(HttpRequest.newBuilder(weir.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofString("hello world")));
        assertThat(r.body()).isEqualTo("got 11");
        assertThat(backend.last().bodyText()).isEqualTo("hello world");

        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTE: trailers\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\nx-checksum: abc\r\n\r\n");
            RawHttp.Response resp = client.readResponse();
            assertThat(resp.body()).isEqualTo("got 11");
        }
        TestBackend.Received got = backend.last();
        assertThat(got.bodyText()).isEqualTo("hello world");
        assertThat(got.trailers().get("x-checksum")).isEqualTo("abc");
        assertThat(got.headers().get("te")).isEqualTo("trailers");
    }

    @Test
    void relaysResponseTrailersAndChunkedBodies() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("streamed").withTrailer("grpc-status", "0")));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        RawHttp.Response r = RawHttp.send(weir.port(), "GET / HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n");
        assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(r.body()).isEqualTo("streamed\n[trailer] grpc-status: 0");
    }

    @Test
    void headAnd204And304HaveNoBody() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> switch (r.uri()) {
            case "/204" -> Reply.of(204, "");
            case "/304" -> Reply.of(304, "");
            default -> Reply.text("a body that HEAD must not get");
        }));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = client.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("29");
            client.write("GET /204 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(204);
            client.write("GET /304 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(304);
            // If any of those had leaked body bytes, this response would be misread.
            client.write("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response after = client.readResponse();
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.body()).isEqualTo("a body that HEAD must not get");
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("for " + r.uri())));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawHttp client = new RawHttp(weir.port())) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                burst.append("GET /p").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            burst.append("POST /p10 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            burst.append("GET /p11 HTTP/1.1\r\nHost: x\r\n\r\n");
            client.write(burst.toString());
            for (int i = 0; i < 12; i++) {
                assertThat(client.readResponse().body()).isEqualTo("for /p" + i);
            }
        }
    }

    @Test
    void honoursConnectionCloseFromTheClient() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawHttp.Response r = client.readResponse();
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
        // Connection: close is hop-by-hop: the upstream connection stays pooled.
        assertThat(backend.last().headers().contains("connection")).isFalse();
    }

    @Test
    void upstreamConnectionCloseDoesNotCloseTheClient() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("bye").header("connection", "close")));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawHttp client = new RawHttp(weir.port())) {
            for (int i = 0; i < 3; i++) {
                client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                RawHttp.Response r = client.readResponse();
                assertThat(r.body()).isEqualTo("bye");
                assertThat(r.header("connection")).isNull();
            }
        }
        assertThat(backend.connections()).isEqualTo(3);
    }

    @Test
    void http10ClientsGetCloseDelimitedResponses() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("chunks").asChunked()));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET / HTTP/1.0\r\n\r\n");
            RawHttp.Response r = client.readResponse();
            assertThat(r.statusLine()).startsWith("HTTP/1.1 200");
            assertThat(r.header("transfer-encoding")).isNull();
            assertThat(r.body()).isEqualTo("chunks");
        }
        assertThat(backend.last().headers().get("host")).isEqualTo(backend.address());
    }

    @Test
    void spreadsLoadAcrossEndpoints() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        WeirHarness weir = track(WeirHarness.forward(a.address(), b.address()));
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            counts.merge(weir.get("/").body(), 1, Integer::sum);
        }
        assertThat(counts).containsEntry("a", 10).containsEntry("b", 10);
    }
}
