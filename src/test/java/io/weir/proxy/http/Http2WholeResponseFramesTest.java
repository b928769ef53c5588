package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The frames of a whole response, read back with Netty's HPACK decoder. */
class Http2WholeResponseFramesTest {

    private static final String LONG = "x".repeat(200);
    private static final String HEAD = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/plain\r\n"
            + "X-Padded:  two spaces before, a tab after\t\r\n"
            + "Set-Cookie: a=1\r\n"
            + "set-cookie: b=2\r\n"
            + "X-Long: " + LONG + "\r\n"
            + "X-Empty:\r\n"
            + "\r\n";

    private static ByteBuf headers(String head, int status, boolean endStream, int maxFrameSize, long maxListSize) {
        ByteBuf in = Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII);
        try {
            return Http2WholeResponseFrames.headers(UnpooledByteBufAllocator.DEFAULT, 7, in, head.length(), status,
                    endStream, maxFrameSize, maxListSize, 0);
        } finally {
            in.release();
        }
    }

    private static Http2Headers decode(ByteBuf frame) throws Exception {
        return new DefaultHttp2HeadersDecoder(true).decodeHeaders(7, frame.slice(9, frame.readableBytes() - 9));
    }

    @Test
    void theHeadersFrameCarriesTheHeadsFieldsAsHttp2WantsThem() throws Exception {
        ByteBuf frame = headers(HEAD, 200, false, 16_384, Long.MAX_VALUE);
        try {
            assertThat(frame.getMedium(0)).isEqualTo(frame.readableBytes() - 9);
            assertThat(frame.getByte(3)).as("type HEADERS").isEqualTo((byte) 0x1);
            assertThat(frame.getByte(4)).as("END_HEADERS only").isEqualTo((byte) 0x4);
            assertThat(frame.getInt(5)).isEqualTo(7);
            Http2Headers h = decode(frame);
            assertThat(h.status()).hasToString("200");
            assertThat(h.get("content-type")).hasToString("text/plain");
            assertThat(h.get("x-padded")).hasToString("two spaces before, a tab after");
            assertThat(h.getAll("set-cookie")).map(CharSequence::toString).isEqualTo(List.of("a=1", "b=2"));
            assertThat(h.get("x-long")).hasToString(LONG);
            assertThat(h.get("x-empty")).hasToString("");
            assertThat(h.names()).map(CharSequence::toString).containsExactly(":status", "content-type", "x-padded",
                    "set-cookie", "x-long", "x-empty");
        } finally {
            frame.release();
        }
    }

    @Test
    void aStatusOutsideTheStaticTableAndABodylessResponseThatEndsTheStream() throws Exception {
        ByteBuf frame = headers("HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n", 418, true, 16_384,
                Long.MAX_VALUE);
        try {
            assertThat(frame.getByte(4)).as("END_HEADERS | END_STREAM").isEqualTo((byte) 0x5);
            Http2Headers h = decode(frame);
            assertThat(h.status()).hasToString("418");
            assertThat(h.get("content-length")).hasToString("0");
        } finally {
            frame.release();
        }
    }

    @Test
    void aBlockThatNeedsMoreThanOneFrameOrExceedsTheClientsListSizeIsLeftToNettysEncoder() {
        int listSize = ":status".length() + 3 + "content-type".length() + "text/plain".length()
                + "x-padded".length() + "two spaces before, a tab after".length() + 2 * ("set-cookie".length() + 3)
                + "x-long".length() + LONG.length() + "x-empty".length() + 7 * 32;
        assertThat(headers(HEAD, 200, false, 100, Long.MAX_VALUE)).isNull();
        assertThat(headers(HEAD, 200, false, 16_384, listSize - 1)).isNull();
        ByteBuf fits = headers(HEAD, 200, false, 16_384, listSize);
        assertThat(fits).isNotNull();
        fits.release();
    }

    @Test
    void theDataFrameHeaderEndsTheStream() {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(0xAA);
        Http2WholeResponseFrames.dataFrameHeader(out, 7, 1234);
        assertThat(out.readableBytes()).isEqualTo(10);
        assertThat(out.getMedium(1)).isEqualTo(1234);
        assertThat(out.getByte(4)).as("type DATA").isEqualTo((byte) 0x0);
        assertThat(out.getByte(5)).as("END_STREAM").isEqualTo((byte) 0x1);
        assertThat(out.getInt(6)).isEqualTo(7);
        out.release();
    }
}
