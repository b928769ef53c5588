package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HeadScannerTest {

    private static final String HEAD = "GET /path?q=1 HTTP/1.1\r\nHost: example.com\r\nX-Tab:\ta\tb\r\n\r\n";

    private final HeadScanner scanner = new HeadScanner();

    /** Feeds {@code head} in pieces of {@code piece} bytes; the first problem, or null. */
    private String feed(String head, int piece) {
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        // Scan a slice in the middle of a larger buffer: the scanner works on absolute indexes.
        ByteBuf buf = Unpooled.buffer(bytes.length + 8).writeZero(4).writeBytes(bytes).writeZero(4);
        try {
            for (int from = 4; from < 4 + bytes.length; from += piece) {
                String problem = scanner.scan(buf, from, Math.min(from + piece, 4 + bytes.length));
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        } finally {
            buf.release();
        }
    }

    private String feed(String head) {
        return feed(head, Integer.MAX_VALUE / 2);
    }

    @Test
    void acceptsAWellFormedHeadAndStopsAtItsEnd() {
        assertThat(feed(HEAD)).isNull();
        assertThat(scanner.done()).isTrue();
    }

    @Test
    void notDoneUntilTheBlankLine() {
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r\n")).isNull();
        assertThat(scanner.done()).isFalse();
        assertThat(feed("\r")).isNull();
        assertThat(scanner.done()).isFalse();
        assertThat(feed("\n")).isNull();
        assertThat(scanner.done()).isTrue();
    }

    @Test
    void aHeadFedOneByteAtATime() {
        assertThat(feed(HEAD, 1)).isNull();
        assertThat(scanner.done()).isTrue();
    }

    @Test
    void aHeadSplitAtEveryPoint() {
        for (int split = 1; split < HEAD.length(); split++) {
            scanner.reset();
            assertThat(feed(HEAD.substring(0, split))).as("first %d bytes", split).isNull();
            assertThat(scanner.done()).isFalse();
            assertThat(feed(HEAD.substring(split))).as("rest after %d bytes", split).isNull();
            assertThat(scanner.done()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7})
    void problemsAreFoundWhateverTheFeedSize(int piece) {
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", piece)).isEqualTo("bare CR in request head");
        scanner.reset();
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", piece))
                .isEqualTo("obs-fold (header continuation line) in request head");
    }

    @Test
    void bareCr() {
        assertThat(feed("GET / HTTP/1.1\rHost: x\r\n\r\n")).isEqualTo("bare CR in request head");
        scanner.reset();
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r\n\r\r\n")).isEqualTo("bare CR in request head");
        scanner.reset();
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r\r\n\r\n")).isEqualTo("bare CR in request head");
    }

    @Test
    void bareLf() {
        assertThat(feed("GET / HTTP/1.1\nHost: x\r\n\r\n")).isEqualTo("bare LF in request head");
        scanner.reset();
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\n\r\n")).isEqualTo("bare LF in request head");
        scanner.reset();
        // a head ended by a bare LF after the last header
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r\n\n")).isEqualTo("bare LF in request head");
        scanner.reset();
        assertThat(feed("\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo("bare LF in request head");
    }

    @Test
    void obsFoldWithSpaceOrTab() {
        assertThat(feed("GET / HTTP/1.1\r\nX-A: a\r\n b\r\nHost: x\r\n\r\n"))
                .isEqualTo("obs-fold (header continuation line) in request head");
        scanner.reset();
        assertThat(feed("GET / HTTP/1.1\r\nX-A: a\r\n\tb\r\nHost: x\r\n\r\n"))
                .isEqualTo("obs-fold (header continuation line) in request head");
        scanner.reset();
        // whitespace right after the request line is a fold too (and a smuggling vector)
        assertThat(feed("GET / HTTP/1.1\r\n Host: x\r\n\r\n"))
                .isEqualTo("obs-fold (header continuation line) in request head");
    }

    @Test
    void controlBytes() {
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\u0000y\r\n\r\n")).isEqualTo("control byte 0x0 in request head");
        scanner.reset();
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r\nX-A: \u001b[31m\r\n\r\n"))
                .isEqualTo("control byte 0x1b in request head");
        scanner.reset();
        assertThat(feed("GET /\u007f HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo("control byte 0x7f in request head");
        scanner.reset();
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\u000b\r\n\r\n")).isEqualTo("control byte 0xb in request head");
        scanner.reset();
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\u000c\r\n\r\n")).isEqualTo("control byte 0xc in request head");
    }

    @Test
    void horizontalTabIsNotAControlByte() {
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r\nX-A:\tb\tc\t\r\n\r\n")).isNull();
        assertThat(scanner.done()).isTrue();
    }

    @Test
    void obsTextInAFieldValueIsNotAControlByte() {
        // RFC 9110 5.5: field values may hold obs-text (%x80-FF), e.g. UTF-8 in a User-Agent or a filename.
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf\u00c3\u00a9 \u00ff\u0080\r\n\r\n")).isNull();
        assertThat(scanner.done()).isTrue();
    }

    @Test
    void blankLinesBeforeTheRequestLineAreTolerated() {
        assertThat(feed("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")).isNull();
        assertThat(scanner.done()).isTrue();
        scanner.reset();
        assertThat(feed("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 1)).isNull();
        assertThat(scanner.done()).isTrue();
        scanner.reset();
        assertThat(feed("\r\n")).isNull();
        assertThat(scanner.done()).isFalse();
    }

    @Test
    void bytesAfterTheHeadAreNotScanned() {
        // The body (or the next pipelined request, which gets its own scan) is not part of this head.
        assertThat(feed("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n\u0000\n\r ")).isNull();
        assertThat(scanner.done()).isTrue();
    }

    @Test
    void resetStartsAFreshHead() {
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r")).isNull();
        scanner.reset();
        // Without the reset the pending CR would make this a bare CR.
        assertThat(feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).isNull();
        assertThat(scanner.done()).isTrue();
        scanner.reset();
        assertThat(scanner.done()).isFalse();
        assertThat(feed(HEAD, 5)).isNull();
        assertThat(scanner.done()).isTrue();
    }
}
