package io.weir.proxy.http;

import io.weir.testing.SocketTest;
import io.weir.testing.RawBackend;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The downstream clocks (header deadline, idle) and the upstream ones (route timeout, upstream_timeout, connect). */
class TimeoutsTest extends SocketTest {

    private WeirHarness weir(String endpoint, String listenerKeys, String routeKeys, String clusterKeys)
            throws Exception {
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
                %s
                    endpoints: [ %s ]
                """.formatted(indent(listenerKeys, 4), indent(routeKeys, 8), indent(clusterKeys, 4), endpoint)));
    }

    private static String indent(String lines, int by) {
        return lines.isEmpty() ? "" : lines.stripTrailing().indent(by).stripTrailing();
    }

    /** A backend that reads a request head and then never answers until the test ends. */
    private RawBackend silentBackend() throws IOException {
        RawBackend[] self = new RawBackend[1];
        self[0] = track(RawBackend.start((s, head) -> self[0].awaitRelease()));
        return self[0];
    }

    @Test
    void headerTimeoutCutsOffAClientThatDripsBytesWithoutEverGoingQuiet() throws Exception {
        TestBackend backend = track(TestBackend.named("ok"));
        WeirHarness weir = weir(backend.address(), "request_header_timeout: 300ms\nidle_timeout: 10s", "", "");
        byte[] drip = ("GET / HTTP/1.1\r\nHost: x\r\nX-Drip: " + "a".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", weir.port()), 5000);
            // Each read waits up to 50 ms for an answer and, on none, the next byte goes out: a byte every ~50 ms.
            s.setSoTimeout(50);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            boolean closed = false;
            int sent = 0;
            while (!closed && sent < drip.length) {
                if (got.size() == 0 && in.available() == 0) {
                    try {
                        out.write(drip[sent++]);
                        out.flush();
                    } catch (IOException writeFailed) {
                        break;
                    }
                }
                try {
                    int b = in.read();
                    if (b < 0) {
                        closed = true;
                    } else {
                        got.write(b);
                    }
                } catch (SocketTimeoutException nothingYet) {
                    // keep dripping
                }
            }
            // Whatever is left of the answer, up to the close.
            s.setSoTimeout(10_000);
            if (!closed) {
                got.writeBytes(in.readAllBytes());
            }
            String answer = got.toString(StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 408 ");
            assertThat(answer.toLowerCase()).contains("connection: close");
            assertThat(sent).as("bytes dripped before the deadline").isLessThan(drip.length);
        }
        assertThat(backend.connections()).isZero();
    }

    @Test
    void idleTimeoutClosesAKeptAliveConnectionQuietly() throws Exception {
        TestBackend backend = track(TestBackend.named("ok"));
        WeirHarness weir = weir(backend.address(), "idle_timeout: 200ms", "", "");
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isNull();
            // Blocks until Weir closes: no bytes, just the end of the stream.
            assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
        }
        // A connection that never sends a request is closed the same way, without a 408.
        try (RawHttp client = new RawHttp(weir.port())) {
            assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void routeTimeoutAnswers504WhenTheUpstreamNeverAnswers() throws Exception {
        RawBackend silent = silentBackend();
        WeirHarness weir = weir(silent.address(), "", "timeout: 300ms", "");
        RawHttp.Response r = RawHttp.send(weir.port(), "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r.status()).isEqualTo(504);
        assertThat(silent.heads()).hasSize(1);
        assertThat(silent.heads().get(0)).startsWith("GET /slow HTTP/1.1");
    }

    @Test
    void routeTimeoutAfterTheResponseStartedClosesTheConnection() throws Exception {
        RawBackend[] self = new RawBackend[1];
        self[0] = track(RawBackend.start((s, head) -> {
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst ten.");
            self[0].awaitRelease();
        }));
        WeirHarness weir = weir(self[0].address(), "", "timeout: 300ms", "");
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            // Read to the end of the stream: Weir must close it, since the response cannot be finished.
            String got = new String(client.socket().getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(got).startsWith("HTTP/1.1 200 ");
            int bodyStart = got.indexOf("\r\n\r\n") + 4;
            assertThat(got.toLowerCase()).contains("content-length: 100");
            assertThat(got.substring(bodyStart)).isEqualTo("first ten.");
        }
    }

    @Test
    void upstreamTimeoutAnswers504() throws Exception {
        RawBackend silent = silentBackend();
        WeirHarness weir = weir(silent.address(), "", "", "upstream_timeout: 300ms");
        RawHttp.Response r = RawHttp.send(weir.port(), "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r.status()).isEqualTo(504);
        assertThat(silent.heads()).hasSize(1);
    }

    @Test
    void connectTimeoutToAnEndpointWhoseBacklogIsFullAnswers502() throws Exception {
        // A listener that never accepts, its accept queue filled: the kernel drops further SYNs, so a connect
        // neither succeeds nor is refused.
        ServerSocket full = track(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort());
        boolean filled = false;
        for (int i = 0; i < 16 && !filled; i++) {
            Socket filler = track(new Socket());
            try {
                filler.connect(target, 300);
            } catch (SocketTimeoutException dropped) {
                filled = true;
            }
        }
        assertThat(filled).as("the accept queue filled up").isTrue();
        WeirHarness weir = weir("127.0.0.1:" + full.getLocalPort(), "", "", "connect_timeout: 300ms");
        RawHttp.Response r = RawHttp.send(weir.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r.status()).isEqualTo(502);
    }
}
