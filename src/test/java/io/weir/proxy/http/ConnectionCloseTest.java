package io.weir.proxy.http;

import io.weir.testing.SocketTest;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When Weir closes a connection after a response, the client gets all of that response even if it kept
 * sending: closing a socket with unread input makes the kernel reset it and drop what was not yet delivered.
 */
class ConnectionCloseTest extends SocketTest {

    /** Weir in front of a backend that answers every request with a {@code size}-byte body. */
    private WeirHarness weirStreaming(int size) throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.stream(size)));
        return track(WeirHarness.forward(backend.address()));
    }

    /**
     * A client with a small receive window, so most of a large response is still in Weir's send buffer (or
     * waiting for room in it) when the client starts reading.
     */
    private static Socket slowReader(WeirHarness weir) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(8 * 1024);
        s.connect(new InetSocketAddress("127.0.0.1", weir.port()), 5000);
        s.setSoTimeout(20_000);
        return s;
    }

    /** The body length of {@code bytes}, which start with a response head (or its remainder). */
    private static int bodyLength(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 500), StandardCharsets.US_ASCII);
        return bytes.length - (head.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void aResponseEndingInACloseArrivesWholeWhileTheClientIsStillSending() throws Exception {
        int size = 512 * 1024;
        WeirHarness weir = weirStreaming(size);
        try (Socket s = slowReader(weir)) {
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] first = in.readNBytes(12);
            assertThat(new String(first, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            // More from the client, which Weir will not read: a pipelined request it has no reason to take.
            s.getOutputStream().write("GET /next HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Before Weir closed gracefully, this read ended in "connection reset" a few KiB in.
            assertThat(bodyLength(in.readAllBytes())).as("body bytes received").isEqualTo(size);
        }
    }

    @Test
    void aClientThatShutsItsSendingSideStillGetsEveryResponseThenTheClose() throws Exception {
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        TestBackend backend = track(TestBackend.start(r -> {
            try {
                // Hold the first answer until the client has shut its side, so Weir sees the end of input first.
                answer.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.text("answer to " + r.uri());
        }));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", weir.port()), 5000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            answer.countDown();
            // Both answers, in order, and then Weir closes: readAllBytes returns at its FIN.
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(all).containsSubsequence("HTTP/1.1 200", "answer to /a", "HTTP/1.1 200", "answer to /b");
        }
        assertThat(backend.received()).hasSize(2);
    }

    @Test
    void aLargeResponseToAClientThatShutItsSendingSideArrivesWhole() throws Exception {
        // Larger than the socket buffers, read only after the FIN reached Weir: Weir must wait for room in the
        // half-closed socket (EPOLLOUT on a socket whose EPOLLIN interest went away at the FIN).
        int size = 16 * 1024 * 1024;
        WeirHarness weir = weirStreaming(size);
        try (Socket s = slowReader(weir)) {
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            byte[] all = s.getInputStream().readAllBytes();
            assertThat(new String(all, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            assertThat(bodyLength(all)).as("body bytes received").isEqualTo(size);
        }
    }

    @Test
    void aRequestPipelinedAfterConnectionCloseNeverReachesTheBackend() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("answer to " + r.uri())));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", weir.port()), 5000);
            s.setSoTimeout(20_000);
            // One write: the second request is read (and held) with the first.
            s.getOutputStream().write(("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(all).contains("answer to /a").doesNotContain("answer to /b");
        }
        assertThat(backend.received()).extracting(TestBackend.Received::uri).containsExactly("/a");
    }
}
