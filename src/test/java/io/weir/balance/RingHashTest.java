package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RingHashTest {

    private static final int KEYS = 100_000;

    private static String[] assign(LoadBalancer<TestHost> lb, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] owner = new String[KEYS];
        for (int k = 0; k < KEYS; k++) {
            owner[k] = lb.pick(PickContext.ofHash(random.nextLong())).id();
        }
        return owner;
    }

    @Test
    void sharesMatchWeightsOnAFineRing() {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4);
        // Ring shares are as fine as the ring: 16,384 points per weight keeps each within 1%.
        RingHash<TestHost> ring = RingHash.of(hosts, 16_384, BoundedLoad.OFF);
        Shares.assertMatchWeights(Shares.hashed(ring, hosts, 100_000, 11), hosts);
    }

    @Test
    void removingOneOfNMovesOnlyItsKeys() {
        int n = 20;
        List<TestHost> hosts = TestHost.many(n);
        String[] before = assign(RingHash.of(hosts), 5);
        TestHost gone = hosts.get(7);
        List<TestHost> fewer = new ArrayList<>(hosts);
        fewer.remove(gone);
        String[] after = assign(RingHash.of(fewer), 5);
        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            if (!before[k].equals(after[k])) {
                moved++;
                assertThat(before[k]).isEqualTo(gone.id());
            }
        }
        assertThat((double) moved / KEYS).isLessThanOrEqualTo(1.5 / n);
    }

    @Test
    void addingOneMovesKeysOnlyToTheNewHost() {
        int n = 20;
        List<TestHost> hosts = TestHost.many(n + 1);
        TestHost added = hosts.get(n);
        String[] before = assign(RingHash.of(hosts.subList(0, n)), 6);
        String[] after = assign(RingHash.of(hosts), 6);
        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            if (!before[k].equals(after[k])) {
                moved++;
                assertThat(after[k]).isEqualTo(added.id());
            }
        }
        assertThat((double) moved / KEYS).isBetween(0.5 / (n + 1), 1.5 / (n + 1));
    }

    @Test
    void sameRingWhateverTheHostOrder() {
        List<TestHost> hosts = TestHost.many(10);
        List<TestHost> shuffled = new ArrayList<>(hosts);
        Collections.shuffle(shuffled, new java.util.Random(3));
        assertThat(assign(RingHash.of(shuffled), 8)).isEqualTo(assign(RingHash.of(hosts), 8));
    }

    @Test
    void unavailableTargetPassesToTheNextOnTheRingAndAvoidIsHonoured() {
        List<TestHost> hosts = TestHost.many(5);
        RingHash<TestHost> ring = RingHash.of(hosts);
        String[] before = assign(ring, 9);
        hosts.get(2).available = false;
        String[] after = assign(ring, 9);
        for (int k = 0; k < KEYS; k++) {
            if (!before[k].equals(hosts.get(2).id())) {
                assertThat(after[k]).isEqualTo(before[k]);
            } else {
                assertThat(after[k]).isNotEqualTo(hosts.get(2).id());
            }
        }
        long key = 12345;
        TestHost first = ring.pick(PickContext.ofHash(key));
        TestHost second = ring.pick(PickContext.ofHash(key).avoiding(first));
        assertThat(second).isNotNull().isNotSameAs(first);
    }

    @Test
    void withoutAHashItRoundRobins() {
        List<TestHost> hosts = TestHost.weighted(1, 1, 1);
        Shares.assertMatchWeights(Shares.idle(RingHash.of(hosts), hosts, 3000), hosts);
    }
}
