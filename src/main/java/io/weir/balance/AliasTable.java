package io.weir.balance;

/**
 * Vose's alias method: a weighted random draw in O(1) from one random long, whatever the number of
 * hosts, with no allocation per draw. Built once per snapshot.
 */
final class AliasTable {

    /** Probability of keeping column i, scaled to 2^32 so the coin is an integer compare. */
    private final long[] keep;
    private final int[] alias;

    AliasTable(double[] weights) {
        int n = weights.length;
        keep = new long[n];
        alias = new int[n];
        if (n == 0) {
            return;
        }
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = weights[i] * n / total;
            if (scaled[i] < 1) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            keep[s] = (long) (scaled[s] * 0x1p32);
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            if (scaled[l] < 1) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        // What is left is 1 up to rounding: always keep.
        while (nl > 0) {
            int l = large[--nl];
            keep[l] = 1L << 32;
            alias[l] = l;
        }
        while (ns > 0) {
            int s = small[--ns];
            keep[s] = 1L << 32;
            alias[s] = s;
        }
    }

    /** A position drawn with probability proportional to its weight. */
    int sample(SeededRandom random) {
        long r = random.nextLong();
        int column = (int) (((r >>> 32) * keep.length) >>> 32);
        return (r & 0xFFFFFFFFL) < keep[column] ? column : alias[column];
    }
}
