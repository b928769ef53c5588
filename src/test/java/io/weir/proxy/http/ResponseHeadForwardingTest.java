package io.weir.proxy.http;

import io.weir.testing.RawBackend;
import io.weir.testing.RawH2;
import io.weir.testing.RawHttp;
import io.weir.testing.SocketTest;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A response that arrives whole (head and Content-Length body in one read) goes downstream as the upstream's
 * bytes, minus its hop-by-hop lines; what does not fit that shape goes through Netty's decoder. Either way the
 * client must get the same response.
 */
class ResponseHeadForwardingTest extends SocketTest {

    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    /** Hop-by-hop lines first, in the middle and last, so kept lines move over each of them. */
    private static final String WITH_HOP_BY_HOP = "HTTP/1.1 200 Fine\r\n"
            + "Server: raw\r\n"
            + "Connection: keep-alive\r\n"
            + "Keep-Alive: timeout=5\r\n"
            + "x-lower-case: kept as written\r\n"
            + "Proxy-Connection: keep-alive\r\n"
            + "Upgrade: h2c\r\n"
            + "Content-Length: 5\r\n"
            + "Set-Cookie: a=1\r\n"
            + "Set-Cookie: b=2\r\n"
            + "\r\n"
            + "hello";
    private static final String HEAD_WITHOUT_THEM = "HTTP/1.1 200 Fine\r\n"
            + "Server: raw\r\n"
            + "x-lower-case: kept as written\r\n"
            + "Content-Length: 5\r\n"
            + "Set-Cookie: a=1\r\n"
            + "Set-Cookie: b=2\r\n";

    @Test
    void hopByHopLinesAreDroppedAndTheRestGoesAsTheUpstreamSentIt() throws Exception {
        assertThat(exchange(GET, HEAD_WITHOUT_THEM.length() + 7))
                .isEqualTo(HEAD_WITHOUT_THEM + "\r\nhello");
    }

    @Test
    void aClientThatAsksToCloseGetsTheSameResponsePlusConnectionClose() throws Exception {
        String expected = HEAD_WITHOUT_THEM + "Connection: close\r\n\r\nhello";
        assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", expected.length()))
                .isEqualTo(expected);
    }

    /** The first {@code length} bytes the client gets for {@code request}, the upstream answering {@link #WITH_HOP_BY_HOP}. */
    private String exchange(String request, int length) throws Exception {
        RawBackend backend = RawBackend.answering(WITH_HOP_BY_HOP);
        WeirHarness weir = proxyTo(backend);
        try (Socket client = new Socket("127.0.0.1", weir.port())) {
            client.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(client.getInputStream().readNBytes(length), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aKeptAliveUpstreamServesTheNextRequestsToo() throws Exception {
        assertServedOnOneClientConnection(RawBackend.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                3, "ok", 1);
    }

    @Test
    void anUpstreamThatSaysCloseIsNotReusedButTheClientStaysConnected() throws Exception {
        assertServedOnOneClientConnection(
                RawBackend.answering("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"), 2, "ok", 2);
    }

    @Test
    void anHttp10UpstreamIsAnsweredAsHttp11AndReusedOnlyWhenItSaysKeepAlive() throws Exception {
        assertServedOnOneClientConnection(RawBackend.answering("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                2, "ok", 2);
        assertServedOnOneClientConnection(RawBackend.answering(
                "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok"), 2, "ok", 1);
    }

    @Test
    void aConnectionHeaderThatNamesAnotherHeaderRemovesThatOneToo() throws Exception {
        RawHttp.Response r = getThrough(
                "HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: secret\r\nX-End: kept\r\nContent-Length: 2\r\n\r\nok");
        assertThat(r.header("x-hop")).isNull();
        assertThat(r.header("connection")).isNull();
        assertThat(r.header("x-end")).isEqualTo("kept");
        assertThat(r.body()).isEqualTo("ok");
    }

    @Test
    void aClientThatAsksToCloseGetsConnectionCloseAndTheConnectionEnds() throws Exception {
        RawBackend backend = RawBackend.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        WeirHarness weir = proxyTo(backend);
        try (RawHttp client = new RawHttp(weir.port())) {
            RawHttp.Response r = client.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readResponse();
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.body()).isEqualTo("ok");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void aHeadAndABodyWrittenApartMakeTheSameResponse() throws Exception {
        assertServedOnOneClientConnection(RawBackend.start((s, head) -> {
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 11\r\n\r\n");
            RawBackend.write(s, "hello");
            RawBackend.write(s, " world");
        }), 2, "hello world", 1);
    }

    @Test
    void aResponseToHeadHasNoBodyAndTheNextResponseIsReadRight() throws Exception {
        RawBackend backend = RawBackend.start((s, head) -> RawBackend.write(s, head.startsWith("HEAD")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
        WeirHarness weir = proxyTo(backend);
        try (RawHttp client = new RawHttp(weir.port())) {
            RawHttp.Response head = client.write("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse(true);
            assertThat(head.header("content-length")).isEqualTo("5");
            RawHttp.Response get = client.write(GET).readResponse();
            assertThat(get.body()).isEqualTo("hello");
        }
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void aControlByteInAHeaderValueIsNeverForwarded() throws Exception {
        RawHttp.Response r = getThrough("HTTP/1.1 200 OK\r\nX-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\nok");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.header("x-bad")).isNull();
    }

    /** What an HTTP/2 client must get for {@link #MIXED_HEAD}: names lower-cased, values trimmed, order kept. */
    private static final List<String> MIXED_HEAD_AS_HTTP2 = List.of(":status: 201", "server: raw",
            "x-mixed-case: padded value", "content-type: text/plain", "content-length: 5", "set-cookie: a=1",
            "set-cookie: b=2", "x-empty: ");
    private static final String MIXED_HEAD = "HTTP/1.1 201 Created\r\n"
            + "Server: raw\r\n"
            + "Connection: keep-alive\r\n"
            + "X-Mixed-Case: \t padded value \t\r\n"
            + "Keep-Alive: timeout=5\r\n"
            + "CONTENT-TYPE:text/plain\r\n"
            + "Content-Length: 5\r\n"
            + "Set-Cookie: a=1\r\n"
            + "Set-Cookie: b=2\r\n"
            + "Upgrade: h2c\r\n"
            + "X-Empty:\r\n"
            + "\r\n";

    @Test
    void anHttp2ClientGetsAWholeResponseAsHeaderFieldsWithoutItsHopByHopLines() throws Exception {
        assertHttp2Response(RawBackend.answering(MIXED_HEAD + "hello"));
    }

    /** Head and body apart: Netty's decoder takes it, and the client must see no difference. */
    @Test
    void anHttp2ClientGetsTheSameFieldsWhenTheHeadAndBodyComeApart() throws Exception {
        assertHttp2Response(RawBackend.start((s, head) -> {
            RawBackend.write(s, MIXED_HEAD);
            RawBackend.write(s, "hello");
        }));
    }

    private void assertHttp2Response(RawBackend backend) throws Exception {
        WeirHarness weir = proxyTo(backend);
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            for (int stream = 1; stream <= 3; stream += 2) {
                h2.get(stream, "/");
                RawH2.Response r = h2.response(stream);
                List<String> fields = new ArrayList<>();
                r.headers.forEach(e -> fields.add(e.getKey() + ": " + e.getValue()));
                assertThat(fields).isEqualTo(MIXED_HEAD_AS_HTTP2);
                assertThat(r.body.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
            }
        }
        assertThat(backend.connections()).isEqualTo(1);
    }

    /** What a client's GET gets through Weir from an upstream that answers {@code rawResponse}. */
    private RawHttp.Response getThrough(String rawResponse) throws Exception {
        return RawHttp.send(proxyTo(RawBackend.answering(rawResponse)).port(), GET);
    }

    /** Weir forwarding to {@code backend}; both closed after the test. */
    private WeirHarness proxyTo(RawBackend backend) throws Exception {
        return track(WeirHarness.forward(track(backend).address()));
    }

    /**
     * {@code requests} GETs on one client connection, each answered {@code HTTP/1.1 200 OK} with {@code body} and
     * no Connection header; the backend accepted {@code upstreamConnections} connections for them.
     */
    private void assertServedOnOneClientConnection(RawBackend backend, int requests, String body,
                                                   int upstreamConnections) throws Exception {
        WeirHarness weir = proxyTo(backend);
        try (RawHttp client = new RawHttp(weir.port())) {
            for (int i = 0; i < requests; i++) {
                RawHttp.Response r = client.write(GET).readResponse();
                assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
                assertThat(r.header("connection")).isNull();
                assertThat(r.body()).isEqualTo(body);
            }
        }
        assertThat(backend.connections()).isEqualTo(upstreamConnections);
    }
}
