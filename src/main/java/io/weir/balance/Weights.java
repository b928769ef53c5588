package io.weir.balance;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Small helpers on per-host weight arrays, shared by the policies. */
final class Weights {

    private Weights() {
    }

    /** Each host's configured weight; below 1 counts as 1 (a snapshot holds no drained host). */
    static double[] configured(List<? extends Host> hosts) {
        double[] w = new double[hosts.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(1, hosts.get(i).weight());
        }
        return w;
    }

    static void check(List<? extends Host> hosts, double[] weights) {
        if (hosts.size() != weights.length) {
            throw new IllegalArgumentException(hosts.size() + " hosts but " + weights.length + " weights");
        }
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be positive and finite: " + Arrays.toString(weights));
            }
        }
    }

    /**
     * Integer weights for table-based policies: integral weights are kept as they are; fractional
     * ones (slow start) are scaled so the largest becomes 100, which keeps shares within 1%.
     */
    static int[] integral(double[] weights) {
        int[] out = new int[weights.length];
        boolean integral = true;
        double max = 0;
        for (double w : weights) {
            integral &= w == Math.rint(w) && w <= Integer.MAX_VALUE;
            max = Math.max(max, w);
        }
        double scale = integral ? 1 : 100 / max;
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) Math.max(1, Math.round(weights[i] * scale));
        }
        return out;
    }

    /** Positions of the hosts in id order, so hash tables do not depend on the order hosts came in. */
    static int[] byId(List<? extends Host> hosts) {
        Integer[] idx = new Integer[hosts.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparing(i -> hosts.get(i).id()));
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
