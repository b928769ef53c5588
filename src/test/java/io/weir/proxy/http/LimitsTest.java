package io.weir.proxy.http;

import io.weir.testing.SocketTest;
import io.weir.testing.RawBackend;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The size and connection limits of a listener and a route, enforced before anything is forwarded. */
class LimitsTest extends SocketTest {

    private WeirHarness weir(String backendAddress, String listenerLimits, String routeLimits) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                %s
                    routes:
                      - cluster: app
                %s
                clusters:
                  - name: app
                    endpoints: [ %s ]
                """.formatted(indent(listenerLimits, 4), indent(routeLimits, 8), backendAddress)));
    }

    private static String indent(String lines, int by) {
        return lines.isEmpty() ? "" : lines.stripTrailing().indent(by).stripTrailing();
    }

    /** Sends {@code raw}, expects {@code status} with Connection: close and a close. */
    private static void expectRefusal(int port, String raw, int status) throws IOException {
        try (RawHttp client = new RawHttp(port)) {
            client.write(raw);
            RawHttp.Response r = client.readResponse();
            assertThat(r).isNotNull();
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void requestLineOverMaxRequestLineGets414() throws Exception {
        TestBackend backend = track(TestBackend.named("ok"));
        WeirHarness weir = weir(backend.address(), "max_request_line: 1KiB", "");
        String longPath = "/" + "a".repeat(2000);
        expectRefusal(weir.port(), "GET " + longPath + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
        // Just under the limit still goes through.
        String fits = "/" + "a".repeat(1000);
        assertThat(RawHttp.send(weir.port(), "GET " + fits + " HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(200);
        assertThat(backend.received()).extracting(TestBackend.Received::uri).containsExactly(fits);
    }

    @Test
    void headerBlockOverMaxHeaderSizeGets431() throws Exception {
        TestBackend backend = track(TestBackend.named("ok"));
        WeirHarness weir = weir(backend.address(), "max_header_size: 2KiB", "");
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            headers.append("X-Filler-").append(i).append(": ").append("v".repeat(90)).append("\r\n");
        }
        expectRefusal(weir.port(), "GET / HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n", 431);
        assertThat(backend.connections()).isZero();
        // One big header alone is over the limit too.
        expectRefusal(weir.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n", 431);
        assertThat(backend.received()).isEmpty();
        assertThat(backend.connections()).isZero();
    }

    @Test
    void headsAndChunkLinesSpanningSeveralSocketReadsAreServed() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> TestBackend.Reply.text("got " + r.bodyLength())));
        WeirHarness weir = weir(backend.address(), "", "");
        // Well under the default 32 KiB (and the test backend's 8 KiB), but more than one socket read.
        String cookie = "c".repeat(6 * 1024);
        RawHttp.Response big = RawHttp.send(weir.port(), "GET / HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\n\r\n");
        assertThat(big.status()).isEqualTo(200);
        assertThat(backend.last().headers().get("cookie")).isEqualTo(cookie);
        // Many small chunks: some chunk-size lines are cut by a socket read.
        StringBuilder body = new StringBuilder();
        long length = 0;
        for (int i = 0; i < 5000; i++) {
            int n = 1 + i % 37;
            body.append(Integer.toHexString(n)).append("\r\n").append("x".repeat(n)).append("\r\n");
            length += n;
        }
        RawHttp.Response chunked = RawHttp.send(weir.port(), "POST / HTTP/1.1\r\nHost: x\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + body + "0\r\n\r\n");
        assertThat(chunked.body()).isEqualTo("got " + length);
    }

    @Test
    void contentLengthOverMaxBodyGets413AndNothingIsForwarded() throws Exception {
        TestBackend backend = track(TestBackend.named("ok"));
        WeirHarness weir = weir(backend.address(), "", "max_body: 10");
        expectRefusal(weir.port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world", 413);
        assertThat(backend.received()).isEmpty();
        assertThat(backend.connections()).isZero();
        // Exactly max_body is fine.
        RawHttp.Response ok = RawHttp.send(weir.port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
                + "helloworld");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(backend.last().bodyText()).isEqualTo("helloworld");
    }

    @Test
    void clientThatSendsItsWholeRefusedBodyBeforeReadingStillGetsThe413() throws Exception {
        TestBackend backend = track(TestBackend.named("ok"));
        WeirHarness weir = weir(backend.address(), "", "max_body: 10");
        try (RawHttp client = new RawHttp(weir.port())) {
            int length = 4 * 1024 * 1024;
            client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n");
            // Like a simple client, send the whole body before looking for an answer. Weir answered 413 at the
            // head; closing with this body still arriving would reset the connection and drop the 413 with it.
            OutputStream out = client.socket().getOutputStream();
            byte[] piece = new byte[64 * 1024];
            for (int sent = 0; sent < length; sent += piece.length) {
                out.write(piece);
            }
            client.socket().shutdownOutput();
            RawHttp.Response r = client.readResponse();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(backend.connections()).isZero();
    }

    @Test
    void chunkedBodyGrowingOverMaxBodyGets413AndTheBackendNeverGetsTheRequest() throws Exception {
        TestBackend backend = track(TestBackend.named("ok"));
        WeirHarness weir = weir(backend.address(), "", "max_body: 10");
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n");
            client.write("8\r\n12345678\r\n0\r\n\r\n");
            RawHttp.Response r = client.readResponse();
            // The backend answers only a complete request, so no response has started: a clean 413.
            assertThat(r).isNotNull();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.openConnections() == 0);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void chunkedBodyGrowingOverMaxBodyAfterTheResponseStartedClosesTheConnection() throws Exception {
        // Answers as soon as the head arrives, before reading any body, then never finishes.
        CountDownLatch release = new CountDownLatch(1);
        track(release::countDown);
        RawBackend eager = track(RawBackend.start((s, head) -> {
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nearly\r\n");
            release.await();
        }));
        WeirHarness weir = weir(eager.address(), "", "max_body: 10");
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            InputStream in = client.socket().getInputStream();
            String started = readUntil(in, "early\r\n");
            assertThat(started).startsWith("HTTP/1.1 200");
            client.write("8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
            // Too late for a 413: the response is cut off, never finished with its last chunk.
            String rest;
            try {
                rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException reset) {
                rest = "";
            }
            assertThat(rest).doesNotContain("0\r\n\r\n");
        }
    }

    /** Reads until {@code marker} has been read; returns all read. */
    private static String readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        int b;
        while (!seen.toString().endsWith(marker) && (b = in.read()) >= 0) {
            seen.append((char) b);
        }
        assertThat(seen.toString()).endsWith(marker);
        return seen.toString();
    }

    @Test
    void maxConnectionsHoldsTheThirdConnectionUntilOneCloses() throws Exception {
        TestBackend backend = track(TestBackend.named("ok"));
        WeirHarness weir = weir(backend.address(), "max_connections: 2", "");
        RawHttp first = track(new RawHttp(weir.port()));
        RawHttp second = track(new RawHttp(weir.port()));
        for (RawHttp c : List.of(first, second)) {
            c.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
        // The kernel completes the third handshake, but Weir does not accept it, so its request waits.
        RawHttp third = track(new RawHttp(weir.port()));
        third.write("GET /third HTTP/1.1\r\nHost: x\r\n\r\n");
        third.socket().setSoTimeout(500);
        assertThatThrownBy(third::readResponse).isInstanceOf(SocketTimeoutException.class);
        assertThat(backend.received()).extracting(TestBackend.Received::uri).doesNotContain("/third");

        first.close();
        third.socket().setSoTimeout(20_000);
        RawHttp.Response r = third.readResponse();
        assertThat(r.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(backend.received()).extracting(TestBackend.Received::uri).contains("/third"));
        // The second connection was never disturbed.
        second.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(second.readResponse().status()).isEqualTo(200);
    }
}
