package io.weir.proxy.http;

import io.netty.buffer.PooledByteBufAllocator;
import io.weir.testing.RawH2;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.TestTls;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/2 flow control carries backpressure through Weir: a client that gives no window stops the upstream's
 * download, an upstream that stops reading stops the client's upload, and big bodies pass both ways with
 * Weir's memory flat. Nothing is buffered beyond a stream window and a socket read.
 */
class Http2FlowControlTest extends SocketTest {

    private static final long SIZE = 128L << 20;
    /** What kernel socket buffers, one stream window and one read may hold while a side is stalled. */
    private static final long STALL_BOUND = 32L << 20;
    /** DATA frame flag: the payload starts with a pad length, and that much padding ends it. */
    private static final int PADDED = 0x8;
    private static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();

    @Test
    void aDownloadWaitsForTheClientsWindowThenCompletes() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.stream(SIZE)));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.get(1, "/big");
            // No WINDOW_UPDATE yet: Weir may send one initial window (64 KiB), then must stop reading upstream.
            awaitStalled(backend::responseBytesWritten);
            assertThat(backend.responseBytesWritten()).isLessThan(STALL_BOUND);
            assertThat(usedDirectMemory()).isLessThan(STALL_BOUND);

            assertThat(h2.drain(1)).isEqualTo(SIZE);
        }
        assertThat(usedDirectMemory()).isLessThan(STALL_BOUND);
    }

    @Test
    void anUploadWaitsWhileTheUpstreamDoesNotReadThenCompletes() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("received " + r.bodyLength())));
        backend.setReading(false);
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    tls:
                      certificates:
                        - { cert: %1$s/a.pem, key: %1$s/a.key }
                    routes:
                      - cluster: app
                        max_body: 1GiB
                clusters:
                  - name: app
                    endpoints: [ "%2$s" ]
                """.formatted(TLS, backend.address())));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(TestTls.trustingTestCa()).build();
        AtomicLong sent = new AtomicLong();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + weir.port() + "/up"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(SIZE, sent)), SIZE))
                .build();
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(request,
                HttpResponse.BodyHandlers.ofString());
        awaitStalled(sent::get);
        assertThat(sent.get()).isLessThan(STALL_BOUND);
        assertThat(usedDirectMemory()).isLessThan(STALL_BOUND);

        backend.setReading(true);
        HttpResponse<String> r = response.get();
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.body()).isEqualTo("received " + SIZE);
    }

    /**
     * HEADERS, body and RST_STREAM in one write: the body arrives while the upstream connection is still being
     * made, so it waits in Weir (counted against the client's window) when the reset comes. What waited is
     * released (the class's leak check fails otherwise), and the connection goes on serving.
     */
    @Test
    void aStreamResetWhileItsBodyWaitsForTheUpstreamLeavesNothingBehind() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("served")));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            ByteArrayOutputStream burst = postOnStreamOne();
            for (int i = 0; i < 3; i++) {
                burst.writeBytes(RawH2.frameBytes(RawH2.DATA, 0, 1, new byte[8192]));
            }
            burst.writeBytes(RawH2.frameBytes(RawH2.RST_STREAM, 0, 1, RawH2.int32(8)));
            h2.socket().getOutputStream().write(burst.toByteArray());
            h2.get(3, "/after");
            RawH2.Response after = h2.response(3);
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.bodyText()).isEqualTo("served");
        }
    }

    /**
     * Padding counts against flow control but is never forwarded, so its window goes back at once, the data's as
     * the upstream takes it. Here the data alone (10,000 bytes) stays under the half-window at which the
     * connection's WINDOW_UPDATE is due, and data with padding (35,600) goes over it: the update comes while the
     * stream is still open only if the padding was given back.
     */
    @Test
    void paddingGivesItsWindowBackAndOnlyTheDataIsForwarded() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> Reply.text("received " + r.bodyLength())));
        WeirHarness weir = track(WeirHarness.forward(backend.address()));
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            ByteArrayOutputStream burst = postOnStreamOne();
            byte[] padded = new byte[1 + 100 + 255];
            padded[0] = (byte) 255;
            for (int i = 0; i < 100; i++) {
                burst.writeBytes(RawH2.frameBytes(RawH2.DATA, PADDED, 1, padded));
            }
            h2.socket().getOutputStream().write(burst.toByteArray());
            assertThat(h2.await(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == 0)).isNotNull();
            h2.data(1, new byte[0], true);
            assertThat(h2.response(1).bodyText()).isEqualTo("received 10000");
        }
    }

    /** Bytes to write in one go, starting with the HEADERS of a POST on stream 1, its body to follow. */
    private static ByteArrayOutputStream postOnStreamOne() {
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        burst.writeBytes(RawH2.frameBytes(RawH2.HEADERS, RawH2.END_HEADERS, 1, RawH2.block(":method", "POST",
                ":scheme", "http", ":path", "/up", ":authority", "x")));
        return burst;
    }

    /** {@code size} zero bytes, counting what has been read. */
    private static final class Zeros extends InputStream {
        private final AtomicLong read;
        private long left;

        Zeros(long size, AtomicLong read) {
            this.left = size;
            this.read = read;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            read.addAndGet(n);
            return n;
        }
    }

    /** Waits until a counter stops moving: the producer is blocked by backpressure. */
    private static void awaitStalled(LongSupplier counter) {
        AtomicLong previous = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = counter.getAsLong();
            return now > 0 && now == previous.getAndSet(now);
        });
    }

    private static long usedDirectMemory() {
        return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    }
}
