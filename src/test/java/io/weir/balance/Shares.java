package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;

/** Counting picks per host, and the share assertion every weighted policy must pass. */
final class Shares {

    private Shares() {
    }

    /** Picks on idle hosts (nothing ever outstanding). */
    static int[] idle(LoadBalancer<TestHost> lb, List<TestHost> hosts, int picks) {
        int[] counts = new int[hosts.size()];
        for (int p = 0; p < picks; p++) {
            counts[hosts.indexOf(lb.pick(PickContext.NONE))]++;
        }
        return counts;
    }

    /** Picks whose requests stay outstanding: a load-aware policy must then spread load by weight. */
    static int[] staying(LoadBalancer<TestHost> lb, List<TestHost> hosts, int picks) {
        int[] counts = new int[hosts.size()];
        for (int p = 0; p < picks; p++) {
            TestHost h = lb.pick(PickContext.NONE);
            h.outstanding++;
            counts[hosts.indexOf(h)]++;
        }
        return counts;
    }

    /** Picks for random keys (hash policies). */
    static int[] hashed(LoadBalancer<TestHost> lb, List<TestHost> hosts, int picks, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] counts = new int[hosts.size()];
        for (int p = 0; p < picks; p++) {
            counts[hosts.indexOf(lb.pick(PickContext.ofHash(random.nextLong())))]++;
        }
        return counts;
    }

    /** Each host's share within one percentage point of its weight's share. */
    static void assertMatchWeights(int[] counts, List<TestHost> hosts) {
        long total = 0;
        long weights = 0;
        for (int i = 0; i < counts.length; i++) {
            total += counts[i];
            weights += hosts.get(i).weight;
        }
        for (int i = 0; i < counts.length; i++) {
            double share = (double) counts[i] / total;
            double expected = (double) hosts.get(i).weight / weights;
            assertThat(share).as("share of %s", hosts.get(i)).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.01));
        }
    }
}
