package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashingTest {

    private static long bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Hashing.hash64(b, 0, b.length);
    }

    @Test
    void matchesPublishedXxHash64Vectors() {
        assertThat(bytes("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(bytes("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(bytes("abc")).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(bytes("Nobody inspects the spammish repetition")).isEqualTo(0xFBCEA83C8A378BF1L);
    }

    @Test
    void textHashIsXxHash64OfUtf16le() {
        StringBuilder sb = new StringBuilder();
        for (int len = 0; len < 80; len++) {
            String s = sb.toString();
            byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
            assertThat(Hashing.hash64(s)).as("length %d", len).isEqualTo(Hashing.hash64(b, 0, b.length));
            sb.append((char) ('a' + len % 26 + (len % 7 == 0 ? 0x400 : 0)));
        }
    }

    @Test
    void seedChangesTheHash() {
        assertThat(Hashing.hash64("10.0.0.1:80", 1)).isNotEqualTo(Hashing.hash64("10.0.0.1:80", 2));
    }
}
