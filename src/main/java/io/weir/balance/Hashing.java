package io.weir.balance;

/**
 * xxHash64 (seed 0 unless given), written out here so that every Weir node, whatever its JDK, puts a
 * key on the same ring slot or Maglev entry: hash tables and the keys looked up in them must agree
 * across a fleet, which {@code String.hashCode} or a randomized hash would not guarantee.
 *
 * <p>{@link #hash64(CharSequence)} hashes the UTF-16LE code units of the text, read straight from the
 * {@code CharSequence} so the proxy hashes a header or a cookie without encoding it first (no garbage
 * per request). Any xxHash64 implementation fed the UTF-16LE bytes gives the same value.
 */
public final class Hashing {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private Hashing() {
    }

    /** xxHash64 of the text's UTF-16LE bytes, seed 0. */
    public static long hash64(CharSequence text) {
        return hash64(text, 0);
    }

    /** xxHash64 of the text's UTF-16LE bytes with a seed. */
    public static long hash64(CharSequence s, long seed) {
        int chars = s.length();
        long len = 2L * chars;
        int i = 0;
        long h;
        if (chars >= 16) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = chars - 16;
            do {
                v1 = round(v1, lane(s, i));
                v2 = round(v2, lane(s, i + 4));
                v3 = round(v3, lane(s, i + 8));
                v4 = round(v4, lane(s, i + 12));
                i += 16;
            } while (i <= limit);
            h = converge(v1, v2, v3, v4);
        } else {
            h = seed + P5;
        }
        h += len;
        for (; i + 4 <= chars; i += 4) {
            h ^= round(0, lane(s, i));
            h = Long.rotateLeft(h, 27) * P1 + P4;
        }
        if (i + 2 <= chars) {
            long word = (s.charAt(i) & 0xFFFFL) | (long) (s.charAt(i + 1) & 0xFFFF) << 16;
            h ^= word * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 2;
        }
        if (i < chars) {
            char c = s.charAt(i);
            h = tailByte(h, c & 0xFF);
            h = tailByte(h, c >>> 8);
        }
        return avalanche(h);
    }

    /** xxHash64 of bytes (an address, a raw key), seed 0. */
    public static long hash64(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        long h;
        if (len >= 32) {
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            int limit = end - 32;
            do {
                v1 = round(v1, le64(b, i));
                v2 = round(v2, le64(b, i + 8));
                v3 = round(v3, le64(b, i + 16));
                v4 = round(v4, le64(b, i + 24));
                i += 32;
            } while (i <= limit);
            h = converge(v1, v2, v3, v4);
        } else {
            h = P5;
        }
        h += len;
        for (; i + 8 <= end; i += 8) {
            h ^= round(0, le64(b, i));
            h = Long.rotateLeft(h, 27) * P1 + P4;
        }
        if (i + 4 <= end) {
            h ^= (le32(b, i) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 4;
        }
        for (; i < end; i++) {
            h = tailByte(h, b[i] & 0xFF);
        }
        return avalanche(h);
    }

    /** A well-mixed 64-bit value from a 64-bit one (SplitMix64's finalizer); for numeric keys and seeds. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long lane(CharSequence s, int i) {
        return (s.charAt(i) & 0xFFFFL)
                | (long) (s.charAt(i + 1) & 0xFFFF) << 16
                | (long) (s.charAt(i + 2) & 0xFFFF) << 32
                | (long) (s.charAt(i + 3) & 0xFFFF) << 48;
    }

    private static long le64(byte[] b, int i) {
        return (le32(b, i) & 0xFFFFFFFFL) | (long) le32(b, i + 4) << 32;
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static long tailByte(long h, int unsignedByte) {
        h ^= unsignedByte * P5;
        return Long.rotateLeft(h, 11) * P1;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long acc, long val) {
        acc ^= round(0, val);
        return acc * P1 + P4;
    }

    private static long converge(long v1, long v2, long v3, long v4) {
        long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
        h = mergeRound(h, v1);
        h = mergeRound(h, v2);
        h = mergeRound(h, v3);
        return mergeRound(h, v4);
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ (h >>> 32);
    }
}
