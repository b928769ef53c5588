package io.weir.proxy.http;

import io.weir.testing.RawH2;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one HTTP/2 client may not do to Weir, each over a real socket with a client that writes the frames
 * itself: too many streams, header lists that blow up in HPACK, rapid reset, CONTINUATION and control-frame
 * floods, and requests HTTP/1.1 cannot carry. None of them reaches the backend, and other clients carry on.
 */
class Http2ProtectionsTest extends SocketTest {

    private static final int PROTOCOL_ERROR = 0x1;
    private static final int REFUSED_STREAM = 0x7;
    private static final int ENHANCE_YOUR_CALM = 0xb;

    private TestBackend backend;

    private WeirHarness weir(String http2) throws Exception {
        backend = track(TestBackend.named("backend"));
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    max_header_size: 16KiB
                    http2: %s
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                """.formatted(http2, backend.address())));
    }

    /** A plain GET on a fresh connection: the listener still serves other clients. */
    private static void assertServes(WeirHarness weir) throws IOException {
        try (RawH2 other = RawH2.connect(weir.port())) {
            other.get(1, "/other");
            RawH2.Response r = other.response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("backend");
        }
    }

    @Test
    void streamsOverMaxConcurrentStreamsAreRefused() throws Exception {
        WeirHarness weir = weir("{ max_concurrent_streams: 3 }");
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            RawH2.Frame settings = h2.await(f -> f.type() == RawH2.SETTINGS && (f.flags() & RawH2.ACK) == 0);
            assertThat(setting(settings.payload(), 0x3)).isEqualTo(3);
            // Three uploads left open (no END_STREAM): their streams stay active.
            for (int stream = 1; stream <= 5; stream += 2) {
                h2.headers(stream, false, ":method", "POST", ":scheme", "http", ":path", "/up", ":authority", "x");
            }
            h2.get(7, "/one-too-many");
            RawH2.Frame refused = h2.await(f -> f.stream() == 7);
            assertThat(refused.type()).isEqualTo(RawH2.RST_STREAM);
            assertThat(refused.errorCode()).isEqualTo(REFUSED_STREAM);

            h2.data(1, "done".getBytes(StandardCharsets.UTF_8), true);
            assertThat(h2.response(1).status()).isEqualTo(200);
        }
        assertThat(backend.received()).extracting(TestBackend.Received::uri).containsExactly("/up");
    }

    /** The value of SETTINGS parameter {@code id}, or -1. */
    private static long setting(byte[] payload, int id) {
        for (int i = 0; i + 6 <= payload.length; i += 6) {
            int key = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
            if (key == id) {
                return ((long) (payload[i + 2] & 0xff) << 24) | ((payload[i + 3] & 0xff) << 16)
                        | ((payload[i + 4] & 0xff) << 8) | (payload[i + 5] & 0xff);
            }
        }
        return -1;
    }

    @Test
    void anHpackBombIsMeasuredDecodedAndRefusedWith431() throws Exception {
        WeirHarness weir = weir("{}");
        // One 4,000-byte header put in the dynamic table, then referenced a thousand times by one byte each:
        // about 5 KB on the wire, 4 MB decoded.
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(RawH2.block(":method", "GET", ":scheme", "http", ":path", "/bomb", ":authority", "x"));
        block.write(0x40);
        literal(block, "x-bomb");
        literal(block, "b".repeat(4000));
        for (int i = 0; i < 1000; i++) {
            block.write(0x80 | 62);
        }
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.frame(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 1, block.toByteArray());
            RawH2.Response r = h2.response(1);
            assertThat(r.status() == 431 || r.reset >= 0).as("431 or a reset: %s", r).isTrue();
        }
        assertThat(backend.received()).isEmpty();
        assertServes(weir);
    }

    private static void literal(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        RawH2.integer(b, 7, 0x00, bytes.length);
        b.writeBytes(bytes);
    }

    @Test
    void rapidResetGetsGoAwayAndOtherConnectionsCarryOn() throws Exception {
        WeirHarness weir = weir("{ max_resets: 50, reset_window: 30s }");
        try (RawH2 attacker = RawH2.connect(weir.port())) {
            OutputStream out = attacker.socket().getOutputStream();
            byte[] cancel = RawH2.int32(0x8);
            try {
                for (int stream = 1; stream < 2 * 500; stream += 2) {
                    out.write(RawH2.frameBytes(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, stream,
                            RawH2.block(":method", "GET", ":scheme", "http", ":path", "/r", ":authority", "x")));
                    out.write(RawH2.frameBytes(RawH2.RST_STREAM, 0, stream, cancel));
                }
                out.flush();
            } catch (IOException closedByWeir) {
                // Weir may close before the loop ends; the GOAWAY is already on its way.
            }
            RawH2.Frame goAway = attacker.awaitGoAway();
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
            assertThat(attacker.await(f -> false)).as("the connection closes").isNull();
        }
        assertServes(weir);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000})
    void aContinuationFloodGetsGoAway(int fragment) throws Exception {
        WeirHarness weir = weir("{}");
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            OutputStream out = h2.socket().getOutputStream();
            h2.frame(RawH2.HEADERS, 0, 1, RawH2.block(":method", "GET", ":scheme", "http", ":path", "/c",
                    ":authority", "x"));
            byte[] piece = new byte[fragment];
            java.util.Arrays.fill(piece, (byte) 0x40);
            try {
                for (int i = 0; i < 10_000; i++) {
                    out.write(RawH2.frameBytes(RawH2.CONTINUATION, 0, 1, piece));
                }
                out.flush();
            } catch (IOException closedByWeir) {
                // Expected once Weir has had enough.
            }
            RawH2.Frame goAway = h2.awaitGoAway();
            assertThat(goAway).as("GOAWAY").isNotNull();
            assertThat(h2.await(f -> false)).as("the connection closes").isNull();
        }
        assertThat(backend.received()).isEmpty();
        assertServes(weir);
    }

    /**
     * PING here; a SETTINGS flood meets the same limit (SETTINGS acknowledgements count as the PING ones do), and
     * each case costs megabytes of frames before the kernel's socket buffers are full, so one is run.
     */
    @Test
    void aControlFrameFloodFromAClientThatDoesNotReadIsCutOff() throws Exception {
        int type = RawH2.PING;
        WeirHarness weir = weir("{}");
        try (RawH2 h2 = RawH2.connectWithSmallReceiveBuffer(weir.port())) {
            byte[] batch = new byte[1000 * 17];
            byte[] frame = RawH2.frameBytes(type, 0, 0, new byte[type == RawH2.PING ? 8 : 0]);
            int n = 0;
            for (int at = 0; at + frame.length <= batch.length; at += frame.length) {
                System.arraycopy(frame, 0, batch, at, frame.length);
                n = at + frame.length;
            }
            OutputStream out = h2.socket().getOutputStream();
            long written = 0;
            boolean cutOff = false;
            // Each frame asks for an acknowledgement this client never reads: the acknowledgements back up in
            // Weir until it gives up and closes, which the next write finds out. Bounded, in case it never does.
            while (!cutOff && written < (256L << 20)) {
                try {
                    out.write(batch, 0, n);
                    written += n;
                } catch (IOException closedByWeir) {
                    cutOff = true;
                }
            }
            assertThat(cutOff).as("Weir closed the connection after %d bytes of frames", written).isTrue();
        }
        assertServes(weir);
    }

    static Stream<Arguments> untranslatable() {
        String[] base = {":method", "POST", ":scheme", "http", ":path", "/bad", ":authority", "x"};
        return Stream.of(
                Arguments.of("connection header", with(base, "connection", "keep-alive"), null),
                Arguments.of("keep-alive header", with(base, "keep-alive", "timeout=5"), null),
                Arguments.of("transfer-encoding header", with(base, "transfer-encoding", "chunked"), null),
                Arguments.of("proxy-connection header", with(base, "proxy-connection", "close"), null),
                Arguments.of("upgrade header", with(base, "upgrade", "websocket"), null),
                Arguments.of("te other than trailers", with(base, "te", "gzip"), null),
                Arguments.of("upper-case header name", with(base, "X-Upper", "1"), null),
                Arguments.of("missing :method", new String[] {":scheme", "http", ":path", "/bad", ":authority", "x"},
                        null),
                Arguments.of("missing :path", new String[] {":method", "GET", ":scheme", "http", ":authority", "x"},
                        null),
                Arguments.of("pseudo-header after a regular one", new String[] {":method", "GET", "x-a", "1",
                    ":scheme", "http", ":path", "/bad", ":authority", "x"}, null),
                Arguments.of("content-length over the DATA", with(base, "content-length", "10"), "12345"),
                Arguments.of("content-length under the DATA", with(base, "content-length", "3"), "12345"));
    }

    private static String[] with(String[] base, String name, String value) {
        String[] all = java.util.Arrays.copyOf(base, base.length + 2);
        all[base.length] = name;
        all[base.length + 1] = value;
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("untranslatable")
    void aRequestHttp11CannotCarryIsResetAndNeverForwarded(String what, String[] headers, String body)
            throws Exception {
        WeirHarness weir = weir("{}");
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            h2.headers(1, body == null, headers);
            if (body != null) {
                h2.data(1, body.getBytes(StandardCharsets.UTF_8), true);
            }
            RawH2.Response r = h2.response(1);
            assertThat(r.reset == PROTOCOL_ERROR || r.status() == 400).as("%s: %s", what, r).isTrue();
            // A stream error: the connection itself carries on.
            h2.get(3, "/after");
            assertThat(h2.response(3).status()).isEqualTo(200);
        }
        // A request that died mid-body (a lying content-length) may have sent its head upstream; its upstream
        // connection was closed with it, so the backend never saw a whole request.
        assertThat(backend.received()).extracting(TestBackend.Received::uri).containsExactly("/after");
    }
}
