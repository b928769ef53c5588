package io.weir.proxy.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.weir.testing.SocketTest;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What Weir changes in the headers at its boundary: hop-by-hop headers go, both ways; X-Forwarded-* and
 * Forwarded are set, and a client's own values are believed only from a trusted proxy; Host is kept.
 */
class ForwardingHeadersTest extends SocketTest {

    private WeirHarness weir(TestBackend backend, String listenerExtra) throws Exception {
        return weir(backend, "127.0.0.1:0", listenerExtra);
    }

    private WeirHarness weir(TestBackend backend, String listen, String listenerExtra) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: "%s"
                    %s
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ %s ]
                """.formatted(listen, listenerExtra, backend.address())));
    }

    private static HttpHeaders upstreamHeadersOf(TestBackend backend, WeirHarness weir, String raw)
            throws Exception {
        RawHttp.Response r = RawHttp.send(weir.port(), raw);
        assertThat(r.status()).isEqualTo(200);
        return backend.last().headers();
    }

    // ---- hop-by-hop -----------------------------------------------------------------------------------

    @Test
    void hopByHopRequestHeadersAreNotForwarded() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "");
        HttpHeaders up = upstreamHeadersOf(backend, weir, "GET / HTTP/1.1\r\nHost: x\r\n"
                + "Connection: keep-alive, X-Secret , x-other\r\n"
                + "X-Secret: s\r\nX-Other: o\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "TE: gzip\r\n"
                + "Upgrade: websocket\r\n"
                + "X-Keep: k\r\n\r\n");
        assertThat(up.names()).doesNotContainAnyElementsOf(List.of(
                "connection", "Connection", "x-secret", "X-Secret", "x-other", "X-Other", "keep-alive", "Keep-Alive",
                "proxy-connection", "Proxy-Connection", "te", "TE", "upgrade", "Upgrade"));
        for (String name : List.of("connection", "x-secret", "x-other", "keep-alive", "proxy-connection", "te",
                "upgrade")) {
            assertThat(up.contains(name)).as(name).isFalse();
        }
        assertThat(up.get("x-keep")).isEqualTo("k");
        assertThat(up.get("host")).isEqualTo("x");
    }

    @Test
    void teTrailersIsForwardedAnythingElseIsNot() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "");
        assertThat(upstreamHeadersOf(backend, weir, "GET / HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n")
                .getAll("te")).containsExactly("trailers");
        assertThat(upstreamHeadersOf(backend, weir, "GET / HTTP/1.1\r\nHost: x\r\nTE: gzip;q=0.5\r\n\r\n")
                .contains("te")).isFalse();
    }

    @Test
    void connectionCannotNominateTheHeadersThatFrameTheRequest() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("got " + r.bodyText())));
        WeirHarness weir = weir(backend, "");
        try (RawHttp client = new RawHttp(weir.port())) {
            // Were Content-Length dropped as "hop-by-hop", the body would reach the upstream unframed and
            // be read there as the start of another request.
            client.write("POST /one HTTP/1.1\r\nHost: x\r\nConnection: Content-Length, Host\r\n"
                    + "Content-Length: 5\r\n\r\nhello");
            RawHttp.Response r = client.readResponse();
            assertThat(r.body()).isEqualTo("got hello");
            client.write("GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().body()).isEqualTo("got ");
        }
        assertThat(backend.received()).extracting(TestBackend.Received::uri).containsExactly("/one", "/two");
        HttpHeaders first = backend.received().get(0).headers();
        assertThat(first.get("content-length")).isEqualTo("5");
        assertThat(first.get("host")).isEqualTo("x");
        assertThat(backend.received().get(0).bodyText()).isEqualTo("hello");
    }

    @Test
    void hopByHopResponseHeadersAreNotForwarded() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("ok")
                .header("connection", "x-internal, x-debug")
                .header("x-internal", "1").header("x-debug", "2")
                .header("keep-alive", "timeout=5, max=100")
                .header("proxy-connection", "keep-alive")
                .header("upgrade", "h2c")
                .header("x-keep", "k")));
        WeirHarness weir = weir(backend, "");
        RawHttp.Response r = RawHttp.send(weir.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.headers()).doesNotContainKeys("connection", "x-internal", "x-debug", "keep-alive",
                "proxy-connection", "upgrade");
        assertThat(r.header("x-keep")).isEqualTo("k");
    }

    // ---- X-Forwarded-* and Forwarded ------------------------------------------------------------------

    @Test
    void forwardingHeadersAreSetFromTheConnection() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "");
        HttpHeaders up = upstreamHeadersOf(backend, weir,
                "GET /p HTTP/1.1\r\nHost: Shop.Example.com:8080\r\n\r\n");
        assertThat(up.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(up.getAll("x-forwarded-proto")).containsExactly("http");
        assertThat(up.getAll("x-forwarded-host")).containsExactly("Shop.Example.com:8080");
        assertThat(up.getAll("forwarded")).containsExactly("for=127.0.0.1;host=\"Shop.Example.com:8080\";proto=http");
        // Host is preserved by default, exactly as sent.
        assertThat(up.getAll("host")).containsExactly("Shop.Example.com:8080");
    }

    private static final String FORGED = "GET / HTTP/1.1\r\nHost: x.example.com\r\n"
            + "X-Forwarded-For: 6.6.6.6\r\n"
            + "X-Forwarded-Proto: https\r\n"
            + "X-Forwarded-Host: bank.example.com\r\n"
            + "Forwarded: for=6.6.6.6;proto=https\r\n\r\n";

    @Test
    void aClientThatIsNotATrustedProxyCannotForgeForwardingHeaders() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "");
        HttpHeaders up = upstreamHeadersOf(backend, weir, FORGED);
        assertThat(up.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(up.getAll("x-forwarded-proto")).containsExactly("http");
        assertThat(up.getAll("x-forwarded-host")).containsExactly("x.example.com");
        assertThat(up.getAll("forwarded")).containsExactly("for=127.0.0.1;host=\"x.example.com\";proto=http");
    }

    @Test
    void trustedProxiesThatDoNotCoverTheClientChangeNothing() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "trusted_proxies: [ 10.0.0.0/8, 127.0.0.2, \"::1/128\" ]");
        HttpHeaders up = upstreamHeadersOf(backend, weir, FORGED);
        assertThat(up.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(up.getAll("forwarded")).containsExactly("for=127.0.0.1;host=\"x.example.com\";proto=http");
    }

    @Test
    void aTrustedProxysForwardingHeadersAreKeptAndAppendedTo() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "trusted_proxies: [ 127.0.0.1/32 ]");
        HttpHeaders up = upstreamHeadersOf(backend, weir, FORGED);
        assertThat(up.getAll("x-forwarded-for")).containsExactly("6.6.6.6, 127.0.0.1");
        assertThat(up.getAll("x-forwarded-proto")).containsExactly("https");
        assertThat(up.getAll("x-forwarded-host")).containsExactly("bank.example.com");
        assertThat(up.getAll("forwarded"))
                .containsExactly("for=6.6.6.6;proto=https, for=127.0.0.1;host=\"x.example.com\";proto=http");

        // Without incoming values, a trusted proxy's request gets fresh ones.
        up = upstreamHeadersOf(backend, weir, "GET / HTTP/1.1\r\nHost: y\r\n\r\n");
        assertThat(up.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(up.getAll("x-forwarded-proto")).containsExactly("http");
        assertThat(up.getAll("x-forwarded-host")).containsExactly("y");
    }

    @Test
    void aTrustedProxysRepeatedForwardingHeaderLinesAreAllKept() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "trusted_proxies: [ 127.0.0.1 ]");
        // Two field lines are the same as one with the values joined by commas (RFC 9110 5.3).
        HttpHeaders up = upstreamHeadersOf(backend, weir, "GET / HTTP/1.1\r\nHost: x\r\n"
                + "X-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2, 3.3.3.3\r\n"
                + "Forwarded: for=1.1.1.1\r\nForwarded: for=2.2.2.2\r\n\r\n");
        assertThat(up.getAll("x-forwarded-for")).containsExactly("1.1.1.1, 2.2.2.2, 3.3.3.3, 127.0.0.1");
        assertThat(up.getAll("forwarded"))
                .containsExactly("for=1.1.1.1, for=2.2.2.2, for=127.0.0.1;host=\"x\";proto=http");
    }

    @Test
    void aRouteCanOverrideTheForwardingHeaders() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                        request_headers: { set: { x-forwarded-proto: https } }
                clusters:
                  - name: app
                    endpoints: [ %s ]
                """.formatted(backend.address())));
        HttpHeaders up = upstreamHeadersOf(backend, weir, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(up.getAll("x-forwarded-proto")).containsExactly("https");
        assertThat(up.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
    }

    @Test
    void absoluteFormForwardsTheTargetsAuthorityAsTheHost() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "");
        HttpHeaders up = upstreamHeadersOf(backend, weir,
                "GET http://a.example.com:8080/x HTTP/1.1\r\nHost: other.example.com\r\n\r\n");
        assertThat(up.getAll("host")).containsExactly("a.example.com:8080");
        assertThat(up.getAll("x-forwarded-host")).containsExactly("a.example.com:8080");
        assertThat(up.getAll("forwarded")).containsExactly("for=127.0.0.1;host=\"a.example.com:8080\";proto=http");
        assertThat(backend.last().uri()).isEqualTo("/x");
    }

    @Test
    void http10WithoutHostGetsNoForwardedHost() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "");
        HttpHeaders up = upstreamHeadersOf(backend, weir, "GET / HTTP/1.0\r\n\r\n");
        assertThat(up.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(up.contains("x-forwarded-host")).isFalse();
        assertThat(up.getAll("forwarded")).containsExactly("for=127.0.0.1;proto=http");
    }

    @Test
    void ipv6ClientsAreWrittenInTheirShortFormAndQuotedInForwarded() throws Exception {
        assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback here");
        TestBackend backend = track(TestBackend.named("a"));
        String raw = "GET / HTTP/1.1\r\nHost: v6.example.com\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n";
        sendOverIpv6(weir(backend, "[::1]:0", ""), raw);
        HttpHeaders up = backend.last().headers();
        assertThat(up.getAll("x-forwarded-for")).containsExactly("::1");
        assertThat(up.getAll("forwarded")).containsExactly("for=\"[::1]\";host=\"v6.example.com\";proto=http");

        sendOverIpv6(weir(backend, "[::1]:0", "trusted_proxies: [ \"::1/128\" ]"), raw);
        assertThat(backend.last().headers().getAll("x-forwarded-for")).containsExactly("6.6.6.6, ::1");
    }

    private static void sendOverIpv6(WeirHarness weir, String raw) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName("::1"), weir.port()), 5000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            String s = out.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void headerValuesWithObsTextAreForwardedAsBytes() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness weir = weir(backend, "");
        // UTF-8 "café" as raw bytes, as browsers send in e.g. a filename.
        HttpHeaders up = upstreamHeadersOf(backend, weir,
                "GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf\u00c3\u00a9\r\n\r\n");
        assertThat(up.get("x-name")).isEqualTo("caf\u00c3\u00a9");
    }
}
