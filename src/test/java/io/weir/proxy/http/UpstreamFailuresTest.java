package io.weir.proxy.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.weir.runtime.ThrottledLog;
import io.weir.testing.SocketTest;
import io.weir.testing.RawBackend;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** What the client gets when the upstream refuses, is missing, breaks mid-response or speaks nonsense. */
class UpstreamFailuresTest extends SocketTest {

    /** An address where nothing listens: connecting to it is refused. */
    private static String refusingAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void refusedEndpointIsSkippedForTheOtherOne() throws Exception {
        TestBackend live = track(TestBackend.named("live"));
        WeirHarness weir = track(WeirHarness.forward(refusingAddress(), live.address()));
        for (int i = 0; i < 6; i++) {
            RawHttp.Response r = RawHttp.send(weir.port(), GET);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("live");
        }
        assertThat(live.received()).hasSize(6);
    }

    @Test
    void allEndpointsRefusingGets502() throws Exception {
        WeirHarness weir = track(WeirHarness.forward(refusingAddress(), refusingAddress()));
        RawHttp.Response r = RawHttp.send(weir.port(), GET);
        assertThat(r.status()).isEqualTo(502);
    }

    @Test
    void noAvailableEndpointGets503() throws Exception {
        TestBackend backend = track(TestBackend.named("never"));
        WeirHarness weir = track(WeirHarness.forward("{ address: " + backend.address() + ", weight: 0 }",
                "{ address: " + refusingAddress() + ", weight: 0 }"));
        RawHttp.Response r = RawHttp.send(weir.port(), GET);
        assertThat(r.status()).isEqualTo(503);
        assertThat(backend.connections()).isZero();
    }

    @Test
    void resetMidResponseGivesThePartialBytesThenAClose() throws Exception {
        RawBackend backend = track(RawBackend.start((s, head) -> {
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
            RawBackend.reset(s);
        }));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write(GET);
            String got = readToClose(client);
            assertThat(got).startsWith("HTTP/1.1 200 ");
            assertThat(got.toLowerCase()).contains("content-length: 100");
            assertThat(got.substring(got.indexOf("\r\n\r\n") + 4)).isEqualTo("0123456789");
        }
    }

    @Test
    void closeMidChunkedResponseLeavesTheChunkedBodyUnfinished() throws Exception {
        RawBackend backend = track(RawBackend.start((s, head) -> {
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            s.close();
        }));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write(GET);
            assertThatThrownBy(client::readResponse).isInstanceOf(IOException.class)
                    .hasMessageContaining("closed inside a chunked body");
        }
    }

    static Stream<Arguments> badResponses() {
        return Stream.of(
                argumentSet("Content-Length and Transfer-Encoding",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                argumentSet("two differing Content-Lengths",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                argumentSet("non-numeric Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\nhello"),
                argumentSet("Transfer-Encoding not ending in chunked",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 5\r\n\r\nhello"),
                argumentSet("garbage instead of a status line", "this is not http at all\r\n\r\n"),
                argumentSet("status code not a number", "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n"),
                argumentSet("binary garbage", "\u0000\u0001\u0002\u00ff\u00fe\r\n\r\n"),
                argumentSet("header without a colon", "HTTP/1.1 200 OK\r\nContent-Length 0\r\n\r\n"));
    }

    @ParameterizedTest
    @MethodSource("badResponses")
    void unframeableResponsesGet502(String raw) throws Exception {
        RawBackend backend = track(RawBackend.answering(raw));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        RawHttp.Response r = RawHttp.send(weir.port(), GET);
        assertThat(r.status()).isEqualTo(502);
    }

    @Test
    void staleKeptAliveUpstreamConnectionIsReplacedByAFreshOne() throws Exception {
        // Answers keep-alive (no Connection: close), then closes at once, as a backend's idle timeout would.
        RawBackend backend = track(RawBackend.start((s, head) -> {
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            s.close();
        }));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawHttp client = new RawHttp(weir.port())) {
            for (int i = 0; i < 10; i++) {
                client.write("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawHttp.Response r = client.readResponse();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok");
            }
        }
        assertThat(backend.heads()).hasSize(10);
        assertThat(backend.connections()).isEqualTo(10);
    }

    /** Everything the client receives until Weir closes the connection. */
    private static String readToClose(RawHttp client) throws IOException {
        return new String(client.socket().getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /**
     * An endpoint that is down fails every request sent to it. Its connect failures are logged ten a second at
     * most, and what is left out is counted in one line at the end of the second.
     */
    @Test
    void aDeadEndpointsFailuresAreLoggedTenASecondAndTheRestCounted() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger exchangeLog = (Logger) LoggerFactory.getLogger(Exchange.class);
        logged.start();
        exchangeLog.addAppender(logged);
        try {
            String dead = refusingAddress();
            WeirHarness weir = track(WeirHarness.start("""
                    listeners:
                      - name: web
                        listen: 127.0.0.1:0
                        routes:
                          - cluster: dead
                    clusters:
                      - name: dead
                        endpoints: [ "%s" ]
                    """.formatted(dead)));
            int requests = 60;
            long started = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                assertThat(RawHttp.send(weir.port(), GET).status()).isEqualTo(502);
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;
            List<String> connectFailures = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.startsWith("connect to " + dead + " failed (route web#0, cluster dead)")).toList();
            assertThat(connectFailures).isNotEmpty().hasSizeLessThanOrEqualTo((int) Math.min(requests,
                    ThrottledLog.DEFAULT_PER_SECOND * (seconds + 1)));
            if (connectFailures.size() < requests) {
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(logged.list)
                        .anySatisfy(e -> assertThat(e.getFormattedMessage())
                                .contains("more lines like \"connect to {} failed")));
            }
        } finally {
            exchangeLog.detachAppender(logged);
        }
    }
}
