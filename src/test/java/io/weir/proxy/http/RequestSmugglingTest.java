package io.weir.proxy.http;

import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Requests that two HTTP parsers could frame differently (the stuff of request smuggling) are refused with
 * the status RFC 9112 names, the connection is closed, and the upstream never sees a request.
 *
 * <p>Not refused on purpose, because RFC 9112 lets a recipient accept them and Weir re-encodes what it
 * forwards, so no second parser ever sees the original bytes: several spaces between request-line words
 * (§3), and obs-fold in a chunked trailer (§5.2 allows replacing it; Netty joins the lines).
 */
class RequestSmugglingTest {

    private TestBackend backend;
    private WeirHarness weir;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.named("ok");
        weir = WeirHarness.forward(backend.address());
    }

    @AfterEach
    void stop() {
        weir.close();
        backend.close();
    }

    private static final String POST = "POST / HTTP/1.1\r\nHost: x\r\n";
    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n";

    /** Bad heads: refused before anything is forwarded, so the upstream is never even connected to. */
    static Stream<Arguments> badHeads() {
        return Stream.of(
                // Framing conflicts (RFC 9112 §6.1, §6.3)
                argumentSet("Content-Length and Transfer-Encoding (CL.TE)",
                        POST + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", 400),
                argumentSet("Transfer-Encoding and Content-Length (TE.CL)",
                        POST + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n", 400),
                argumentSet("two differing Content-Lengths",
                        POST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                argumentSet("differing Content-Lengths in one field",
                        POST + "Content-Length: 5, 6\r\n\r\nhello!", 400),
                argumentSet("non-numeric Content-Length",
                        POST + "Content-Length: abc\r\n\r\n", 400),
                argumentSet("Content-Length with a plus sign",
                        POST + "Content-Length: +5\r\n\r\nhello", 400),
                argumentSet("negative Content-Length",
                        POST + "Content-Length: -1\r\n\r\n", 400),
                argumentSet("hex Content-Length",
                        POST + "Content-Length: 0x5\r\n\r\nhello", 400),
                argumentSet("Content-Length overflowing a long",
                        POST + "Content-Length: 99999999999999999999\r\n\r\n", 400),
                argumentSet("Transfer-Encoding: chunked, gzip (chunked not final)",
                        POST + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding: chunked then gzip on two lines",
                        POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding: gzip (no chunked at all)",
                        POST + "Transfer-Encoding: gzip\r\n\r\n", 400),
                argumentSet("Transfer-Encoding: xchunked",
                        POST + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding: chunked, xchunked",
                        POST + "Transfer-Encoding: chunked, xchunked\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding: \"chunked\" (quoted)",
                        POST + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding: chunked, chunked (applied twice)",
                        POST + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding: gzip, chunked (unknown coding)",
                        POST + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
                argumentSet("Transfer-Encoding with a space before the colon",
                        POST + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding with a vertical tab before the value",
                        POST + "Transfer-Encoding:\u000bchunked\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding folded onto the next line",
                        POST + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding on HTTP/1.0",
                        "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                argumentSet("Transfer-Encoding and Content-Length on HTTP/1.0",
                        "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                                + "0\r\n\r\n", 400),
                // Header syntax (RFC 9112 §2.2, §5)
                argumentSet("obs-fold with a space",
                        GET + "X-A: a\r\n b\r\n\r\n", 400),
                argumentSet("obs-fold with a tab",
                        GET + "X-A: a\r\n\tb\r\n\r\n", 400),
                argumentSet("bare CR inside a header value",
                        GET + "X-A: a\rb\r\n\r\n", 400),
                argumentSet("bare CR as a line end",
                        GET + "X-A: a\r\r\n\r\n", 400),
                argumentSet("bare LF as a line end",
                        GET + "X-A: a\n\r\n", 400),
                argumentSet("NUL byte in a header value",
                        GET + "X-A: a\u0000b\r\n\r\n", 400),
                argumentSet("control byte 0x01 in a header value",
                        GET + "X-A: a\u0001b\r\n\r\n", 400),
                argumentSet("DEL byte in a header value",
                        GET + "X-A: a\u007fb\r\n\r\n", 400),
                argumentSet("whitespace before the colon (Host : x)",
                        "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
                argumentSet("tab before the colon",
                        GET + "X-A\t: a\r\n\r\n", 400),
                argumentSet("non-token header name (Ho(st: x)",
                        "GET / HTTP/1.1\r\nHo(st: x\r\n\r\n", 400),
                argumentSet("empty header name",
                        GET + ": a\r\n\r\n", 400),
                argumentSet("header line without a colon",
                        GET + "X-A a\r\n\r\n", 400),
                // Host (RFC 9112 §3.2)
                argumentSet("missing Host on HTTP/1.1",
                        "GET / HTTP/1.1\r\nX-A: a\r\n\r\n", 400),
                argumentSet("duplicate Host",
                        "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400),
                argumentSet("Host with a space inside",
                        "GET / HTTP/1.1\r\nHost: x y\r\n\r\n", 400),
                // Request line and version (RFC 9112 §2.3, §3; RFC 9110 §15.6.6)
                argumentSet("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                argumentSet("HTTP/1.2 request line", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505),
                argumentSet("HTTP/3.0 request line", "GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505),
                argumentSet("HTTX/1.1 request line", "GET / HTTX/1.1\r\nHost: x\r\n\r\n", 400),
                argumentSet("version missing", "GET /\r\nHost: x\r\n\r\n", 400),
                argumentSet("space inside the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400));
    }

    @ParameterizedTest
    @MethodSource("badHeads")
    void refusesBadHeadsAndForwardsNothing(String raw, int status) throws Exception {
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write(raw);
            RawHttp.Response r = client.readResponse();
            assertThat(r).as("a response before the close").isNotNull();
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).as("connection closed by Weir").isTrue();
        }
        assertThat(backend.received()).isEmpty();
        assertThat(backend.connections()).isZero();
    }

    /**
     * Bad chunked bodies behind a good head: the head may already be upstream when the bad chunk arrives, so the
     * upstream may see a connection and a head, but never a complete request; the client gets 400 or a close.
     */
    static Stream<Arguments> badChunkedBodies() {
        String chunkedPost = POST + "Transfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
                argumentSet("invalid chunk size zz", chunkedPost + "zz\r\nhello\r\n0\r\n\r\n"),
                argumentSet("invalid chunk size after a good chunk", chunkedPost + "5\r\nhello\r\nzz\r\n0\r\n\r\n"),
                argumentSet("empty chunk size", chunkedPost + "\r\nhello\r\n0\r\n\r\n"),
                argumentSet("chunk size overflow", chunkedPost + "fffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
                argumentSet("chunk extension ending in a bare LF", chunkedPost + "5;ext=1\nhello\r\n0\r\n\r\n"),
                argumentSet("chunk size line ending in a bare LF", chunkedPost + "5\nhello\r\n0\r\n\r\n"),
                argumentSet("chunk data longer than its size", chunkedPost + "5\r\nhelloXX\r\n0\r\n\r\n"),
                argumentSet("last chunk with a bare LF ending", chunkedPost + "5\r\nhello\r\n0\n\r\n"),
                argumentSet("trailer with a bare LF", chunkedPost + "5\r\nhello\r\n0\r\nX-T: a\n\r\n"));
    }

    @ParameterizedTest
    @MethodSource("badChunkedBodies")
    void refusesBadChunkedBodiesAndTheUpstreamNeverGetsARequest(String raw) throws Exception {
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write(raw);
            RawHttp.Response r;
            try {
                r = client.readResponse();
            } catch (IOException reset) {
                r = null;
            }
            if (r != null) {
                assertThat(r.status()).isEqualTo(400);
            }
            assertThat(client.closedByPeer()).as("connection closed by Weir").isTrue();
        }
        // Once the upstream connection is closed, the backend has seen all it will ever see on it.
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.openConnections() == 0);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void pipelinedSmuggleAfterAValidRequestIsRefused() throws Exception {
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /inner HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response first = client.readResponse();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("ok");
            RawHttp.Response second = client.readResponse();
            assertThat(second.status()).isEqualTo(400);
            assertThat(second.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(backend.received()).extracting(TestBackend.Received::uri).containsExactly("/first");
    }

    @Test
    void pipelinedBadChunkAfterAValidRequestIsRefused() throws Exception {
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /second HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\nGET /inner HTTP/1.1\r\nHost: x\r\n\r\n0\r\n\r\n");
            RawHttp.Response first = client.readResponse();
            assertThat(first.status()).isEqualTo(200);
            RawHttp.Response second;
            try {
                second = client.readResponse();
            } catch (IOException reset) {
                second = null;
            }
            if (second != null) {
                assertThat(second.status()).isEqualTo(400);
            }
            assertThat(client.closedByPeer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.openConnections() == 0);
        assertThat(backend.received()).extracting(TestBackend.Received::uri).containsExactly("/first");
    }

    /** The controls: what is odd but valid still goes through, so the refusals above are not blanket ones. */
    static Stream<Arguments> oddButValid() {
        return Stream.of(
                argumentSet("Transfer-Encoding: chunked with trailing space",
                        POST + "Transfer-Encoding: chunked \r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                argumentSet("Transfer-Encoding: CHUNKED in capitals",
                        POST + "Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                argumentSet("Transfer-Encoding with a tab before the value",
                        POST + "Transfer-Encoding:\tchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                argumentSet("chunk extension",
                        POST + "Transfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n0\r\n\r\n"),
                argumentSet("Content-Length with surrounding spaces",
                        POST + "Content-Length:  5 \r\n\r\nhello"));
    }

    @ParameterizedTest
    @MethodSource("oddButValid")
    void forwardsOddButValidFraming(String raw) throws Exception {
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write(raw);
            RawHttp.Response r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(backend.received()).hasSize(1);
        assertThat(backend.last().bodyText()).isEqualTo("hello");
    }

    @ParameterizedTest
    @MethodSource("io.weir.proxy.http.RequestSmugglingTest#chunkedSpellings")
    void forwardsTransferEncodingSpelledTheOneWayItWasRead(String te) throws Exception {
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write(POST + "Transfer-Encoding: " + te + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        assertThat(backend.last().headers().getAll("transfer-encoding")).containsExactly("chunked");
        assertThat(backend.last().bodyText()).isEqualTo("hello");
    }

    /** Empty list elements are valid and ignored (RFC 9110 §5.6.1), so "chunked," is chunked. */
    static Stream<String> chunkedSpellings() {
        return Stream.of(", chunked", "Chunked", "chunked\t", "chunked,", "chunked, ,");
    }
}
