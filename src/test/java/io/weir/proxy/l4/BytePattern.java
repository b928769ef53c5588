package io.weir.proxy.l4;

import java.io.IOException;
import java.io.OutputStream;

/** Position-dependent bytes, so a lost, doubled or reordered chunk shows at the byte where it happened. */
final class BytePattern {

    private BytePattern() {
    }

    /** All above 0x7F so the echo backend never mistakes them for "reset". */
    static byte at(int seed, long pos) {
        int h = ((int) pos + seed * 0x9E3779B9) * 0x85EBCA6B;
        h ^= h >>> 13;
        return (byte) (0x80 | (h & 0x7F));
    }

    /** Writes {@code size} bytes of the pattern; a negative size writes until the stream fails. */
    static void send(OutputStream out, int seed, long size) throws IOException {
        byte[] chunk = new byte[16 * 1024];
        for (long sent = 0; size < 0 || sent < size; ) {
            int n = (int) Math.min(chunk.length, size < 0 ? chunk.length : size - sent);
            for (int k = 0; k < n; k++) {
                chunk[k] = at(seed, sent + k);
            }
            out.write(chunk, 0, n);
            sent += n;
        }
        out.flush();
    }

    /** The first {@code size} bytes are the pattern of {@code seed} (a loop: AssertJ on MiBs is slow). */
    static void check(byte[] bytes, int seed, int size) {
        for (int pos = 0; pos < size; pos++) {
            if (bytes[pos] != at(seed, pos)) {
                throw new AssertionError("a stream of " + size + " bytes differs at byte " + pos);
            }
        }
    }
}
