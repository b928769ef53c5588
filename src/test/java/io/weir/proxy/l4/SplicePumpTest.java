package io.weir.proxy.l4;

import io.weir.testing.TcpBackend;
import io.weir.testing.TcpClient;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The splice pump's own edge cases, over real sockets, on one event loop: a reader slower than the proxy (the
 * pipe stays full and the pump waits for the socket to take more), a reset while bytes wait in the proxy, and
 * sessions closed from outside (idle timeout) whose fd numbers new connections then reuse.
 */
class SplicePumpTest {

    @AutoClose
    private final TcpBackend echo = TcpBackend.named("echo");
    @AutoClose
    private StreamingBackend streaming;
    @AutoClose
    private WeirHarness weir;

    SplicePumpTest() throws IOException {
    }

    @AfterEach
    void clearSplice() {
        System.clearProperty("weir.splice");
    }

    /** Weir with a tcp listener to {@code streaming} and one to {@code echo}, on one event loop. */
    private void start(long streamSize, String idleTimeout) throws Exception {
        streaming = new StreamingBackend(streamSize);
        System.setProperty("weir.splice", "true");
        weir = WeirHarness.start("""
                listeners:
                  - name: stream
                    protocol: tcp
                    listen: 127.0.0.1:0
                    cluster: streamer
                    idle_timeout: %s
                  - name: echo
                    protocol: tcp
                    listen: 127.0.0.1:0
                    cluster: echo
                clusters:
                  - name: streamer
                    endpoints:
                      - 127.0.0.1:%d
                  - name: echo
                    endpoints:
                      - 127.0.0.1:%d
                """.formatted(idleTimeout, streaming.port(), echo.port()), 1);
    }

    /** A client with a small receive buffer: it cannot hide a slow reader from the proxy. */
    private Socket slowClient() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(8 * 1024);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), weir.port("stream")));
        return s;
    }

    @Test
    void aSlowReaderGetsEveryByteInOrder() throws Exception {
        int size = 24 << 20;
        start(size, "60s");
        try (Socket client = slowClient()) {
            assertSlowlyRead(client, size);
        }
    }

    private static void assertSlowlyRead(Socket client, int size) throws IOException {
        byte[] got = new byte[size];
        InputStream in = client.getInputStream();
        int total = 0;
        // Small reads: the client takes bytes far slower than splice moves them, so the proxy's pipe fills.
        for (int n; total < size && (n = in.read(got, total, Math.min(1024, size - total))) > 0; ) {
            total += n;
        }
        assertThat(total).isEqualTo(size);
        BytePattern.check(got, 0, size);
        assertThat(in.read()).as("the backend's FIN after the last byte").isEqualTo(-1);
    }

    @Test
    void aClientResetWhileBytesWaitInTheProxyResetsTheUpstream() throws Exception {
        start(-1, "60s");
        Socket client = slowClient();
        client.getInputStream().readNBytes(64 * 1024);
        // The client reads no more: what the backend writes piles up in the sockets and the pump's pipe.
        long piled = 256 << 10;
        await().atMost(Duration.ofSeconds(10)).until(() -> streaming.written() > piled);
        client.setSoLinger(true, 0);
        client.close();
        // Without the reset passed on, the backend would stay blocked in its write.
        await().atMost(Duration.ofSeconds(10)).until(() -> streaming.failures().size() == 1);
    }

    @Test
    void sessionsClosedFromOutsideLeaveNothingBehindForTheirFdNumbers() throws Exception {
        start(-1, "300ms");
        for (int round = 0; round < 3; round++) {
            List<Socket> stalled = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Socket s = slowClient();
                s.getInputStream().readNBytes(1024);
                stalled.add(s);
            }
            // They read no more, so no byte moves and the idle timeout closes them, pipes full; the backend's
            // writes then fail (reading them here would keep the bytes moving).
            int closed = 5 * (round + 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> streaming.failures().size() == closed);
            for (Socket s : stalled) {
                s.close();
            }
            // New sessions on the same loop get the freed fd numbers; a registration left behind would fail them.
            for (int i = 0; i < 10; i++) {
                try (TcpClient c = TcpClient.connect(weir.port("echo"))) {
                    assertThat(c.readLine()).isEqualTo("echo\n");
                    c.send("ping " + i);
                    assertThat(c.read(("ping " + i).length())).isEqualTo("ping " + i);
                }
            }
        }
    }

    /**
     * Writes {@code size} bytes of {@link BytePattern} (seed 0) on each connection and closes it; a negative size
     * writes until the connection fails, and the failure is kept.
     */
    private static final class StreamingBackend implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicLong written = new AtomicLong();
        private final List<IOException> failures = new CopyOnWriteArrayList<>();

        StreamingBackend(long size) throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread conn = new Thread(() -> serve(s, size), "streaming-backend-conn");
                        conn.setDaemon(true);
                        conn.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "streaming-backend");
            t.setDaemon(true);
            t.start();
        }

        private void serve(Socket s, long size) {
            try (s) {
                BytePattern.send(new java.io.FilterOutputStream(s.getOutputStream()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        written.addAndGet(len);
                    }
                }, 0, size);
            } catch (IOException e) {
                failures.add(e);
            }
        }

        int port() {
            return server.getLocalPort();
        }

        long written() {
            return written.get();
        }

        List<IOException> failures() {
            return failures;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
