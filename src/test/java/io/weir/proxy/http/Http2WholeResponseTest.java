package io.weir.proxy.http;

import io.weir.testing.RawH2;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A response that arrives whole from an HTTP/1.1 upstream goes to an HTTP/2 client as frames Weir writes itself,
 * its header block in HPACK literals that leave the dynamic table alone ({@link Http2WholeResponseFrames}), while
 * Netty's encoder, which uses the table, writes the other header blocks of the same connection. These tests hold
 * the client's decoder to both, over one connection, and check that the client's windows and table size
 * settings are kept.
 */
class Http2WholeResponseTest extends SocketTest {

    private static final String LONG = "v".repeat(300);

    private static Reply reply(String path) {
        if (path.startsWith("/big/")) {
            return Reply.text("b".repeat(Integer.parseInt(path.substring(5))));
        }
        Reply reply = Reply.text("body of " + path)
                .header("X-Shared", "the same value every time")
                .header("Cache-Control", "no-store")
                .header("X-Long", LONG);
        return path.startsWith("/streamed") ? reply.asChunked() : reply;
    }

    private WeirHarness proxy() throws Exception {
        TestBackend backend = track(TestBackend.start(r -> reply(r.uri())));
        return track(WeirHarness.forward(backend.address()));
    }

    @Test
    void wholeAndStreamedResponsesTakeTurnsOnOneConnectionAndAllDecode() throws Exception {
        WeirHarness weir = proxy();
        List<byte[]> wholeBlocks = new ArrayList<>();
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            int stream = 1;
            for (int i = 0; i < 4; i++) {
                for (String path : new String[] {"/streamed", "/whole"}) {
                    h2.get(stream, path);
                    RawH2.Frame headers = h2.await(f -> f.type() == RawH2.HEADERS);
                    assertThat(headers.headers().status()).hasToString("200");
                    assertThat(headers.headers().get("x-shared")).hasToString("the same value every time");
                    assertThat(headers.headers().get("cache-control")).hasToString("no-store");
                    assertThat(headers.headers().get("x-long")).hasToString(LONG);
                    RawH2.Response rest = h2.response(stream);
                    assertThat(rest.bodyText()).isEqualTo("body of " + path);
                    if (path.equals("/whole")) {
                        wholeBlocks.add(headers.payload());
                    }
                    stream += 2;
                }
            }
        }
        // Netty's encoder indexes repeated fields, so its blocks shrink after the first; Weir's own blocks are
        // the same bytes every time, whatever the connection has carried before them.
        assertThat(wholeBlocks).hasSize(4).allSatisfy(b -> assertThat(b).isEqualTo(wholeBlocks.get(0)));
    }

    @Test
    void bodiesCopiedBehindTheirFramesOrWrittenFromTheirOwnBufferOrSplitByTheEncoderAllArrive() throws Exception {
        WeirHarness weir = proxy();
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            int stream = 1;
            for (int size : new int[] {100, 4097, 40_000}) {
                h2.get(stream, "/big/" + size);
                RawH2.Response r = h2.response(stream);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("b".repeat(size));
                stream += 2;
            }
        }
    }

    @Test
    void aTableSizeChangeIsAnnouncedBeforeWeirWritesAHeaderBlockOfItsOwn() throws Exception {
        WeirHarness weir = proxy();
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            // The decoder now requires the next block to start with a table size update of at most 0.
            h2.headerTableSize(0);
            for (int stream = 1; stream <= 5; stream += 2) {
                h2.get(stream, "/whole");
                RawH2.Response r = h2.response(stream);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers.get("x-long")).hasToString(LONG);
                assertThat(r.bodyText()).isEqualTo("body of /whole");
            }
        }
    }

    @Test
    void aBodyLargerThanTheStreamsWindowWaitsForTheClientToWidenIt() throws Exception {
        WeirHarness weir = proxy();
        try (RawH2 h2 = RawH2.connect(weir.port())) {
            // SETTINGS_INITIAL_WINDOW_SIZE: applied before the request, which comes after it.
            h2.setting(0x4, 5);
            h2.get(1, "/whole");
            RawH2.Frame first = h2.await(f -> f.type() == RawH2.DATA);
            assertThat(first.payload()).hasSize(5);
            h2.windowUpdate(1, 100);
            RawH2.Response rest = h2.response(1);
            assertThat(new String(first.payload()) + rest.bodyText()).isEqualTo("body of /whole");
        }
    }
}
