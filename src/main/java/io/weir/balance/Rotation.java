package io.weir.balance;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A smooth weighted rotation over host positions (nginx's smooth WRR): for weights 5,1,1 the order is
 * 0 0 1 0 2 0 0, so a heavy host's turns are spread out instead of bunched. The order is computed once
 * per snapshot into a table that an atomic cursor walks: no lock, no allocation per step. The cursor
 * starts where the snapshot's seed says, so a fleet of Weir nodes does not send its first requests
 * after a membership change to the same host in lock step.
 */
final class Rotation {

    /** Above this many slots the weights are scaled down; the order stays smooth, shares stay within 0.1%. */
    static final int MAX_TABLE = 1 << 16;

    private final int[] order;
    private final AtomicInteger cursor;

    Rotation(double[] weights, long start) {
        this.order = smoothOrder(capped(Weights.integral(weights)));
        this.cursor = new AtomicInteger(order.length == 0 ? 0 : (int) Math.floorMod(start, (long) order.length));
    }

    /** The next host position; the table is never empty when there is a host. */
    int next() {
        return order[Math.floorMod(cursor.getAndIncrement(), order.length)];
    }

    int length() {
        return order.length;
    }

    private static int[] capped(int[] w) {
        long total = 0;
        for (int x : w) {
            total += x;
        }
        if (total > MAX_TABLE) {
            double scale = (double) MAX_TABLE / total;
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(1, (int) Math.round(w[i] * scale));
            }
        }
        return w;
    }

    static int[] smoothOrder(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int[] order = new int[total];
        int[] current = new int[weights.length];
        for (int slot = 0; slot < total; slot++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[slot] = best;
        }
        return order;
    }
}
