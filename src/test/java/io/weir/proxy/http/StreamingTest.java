package io.weir.proxy.http;

import io.netty.buffer.PooledByteBufAllocator;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bodies stream through Weir with backpressure: when one side stops reading, Weir stops reading from
 * the other instead of buffering, and a 1 GiB body in either direction passes with flat memory.
 */
class StreamingTest {

    private static final long GIB = 1L << 30;
    /** What may sit in kernel socket buffers and Weir's per-connection watermarks while a side is stalled. */
    private static final long STALL_BOUND = 64L << 20;

    private TestBackend backend;
    private WeirHarness weir;

    @AfterEach
    void stop() {
        if (weir != null) {
            weir.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void downloadOfOneGibStallsWhenTheClientStopsReadingThenCompletes() throws Exception {
        backend = TestBackend.start(r -> Reply.stream(GIB));
        weir = WeirHarness.forward(backend.address());
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitStalled(backend::responseBytesWritten);
            assertThat(backend.responseBytesWritten()).isLessThan(STALL_BOUND);
            assertThat(usedDirectMemory()).isLessThan(STALL_BOUND);

            InputStream in = client.socket().getInputStream();
            skipHead(in);
            long body = 0;
            byte[] buf = new byte[256 * 1024];
            long maxDirect = 0;
            int n;
            while (body < GIB && (n = in.read(buf)) > 0) {
                body += n;
                if ((body & ((64L << 20) - 1)) < n) {
                    maxDirect = Math.max(maxDirect, usedDirectMemory());
                }
            }
            assertThat(body).isEqualTo(GIB);
            assertThat(maxDirect).isLessThan(STALL_BOUND);
        }
    }

    @Test
    void uploadOfOneGibStallsWhenTheBackendStopsReadingThenCompletes() throws Exception {
        backend = TestBackend.start(r -> Reply.text("received " + r.bodyLength()));
        backend.setReading(false);
        weir = WeirHarness.forward(backend.address());
        try (RawHttp client = new RawHttp(weir.port())) {
            AtomicLong sent = new AtomicLong();
            OutputStream out = client.socket().getOutputStream();
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + GIB + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] piece = new byte[256 * 1024];
                    for (long left = GIB; left > 0; left -= piece.length) {
                        out.write(piece, 0, (int) Math.min(piece.length, left));
                        sent.addAndGet(Math.min(piece.length, left));
                    }
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitStalled(sent::get);
            assertThat(sent.get()).isLessThan(STALL_BOUND);
            assertThat(usedDirectMemory()).isLessThan(STALL_BOUND);

            backend.setReading(true);
            upload.get();
            RawHttp.Response response = client.readResponse();
            assertThat(response.body()).isEqualTo("received " + GIB);
        }
    }

    @Test
    void expectContinueIsRelayedBeforeTheBodyIsSent() throws Exception {
        backend = TestBackend.start(r -> Reply.text("got " + r.bodyText()));
        weir = WeirHarness.forward(backend.address());
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            RawHttp.Response interim = client.readResponse();
            assertThat(interim.status()).isEqualTo(100);
            client.write("hello");
            assertThat(client.readResponse().body()).isEqualTo("got hello");
        }
    }

    /** Waits until a counter stops moving: the producer is blocked by backpressure. */
    private static void awaitStalled(LongSupplier counter) {
        AtomicLong previous = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            long now = counter.getAsLong();
            return now > 0 && now == previous.getAndSet(now);
        });
    }

    private static long usedDirectMemory() {
        return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    }

    private static void skipHead(InputStream in) throws Exception {
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IllegalStateException("closed in the head");
            }
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
    }
}
