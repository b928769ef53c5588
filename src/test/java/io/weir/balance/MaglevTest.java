package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaglevTest {

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
    void evenTableAtAHundredHosts() {
        Maglev<TestHost> maglev = Maglev.of(TestHost.many(100));
        int[] counts = maglev.slotCounts();
        int max = 0;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        double mean = 65537.0 / 100;
        assertThat(max / mean).isLessThanOrEqualTo(1.01);
    }

    @Test
    void removingOneHostMovesAtMostTwoPercent() {
        List<TestHost> hosts = TestHost.many(100);
        String[] before = assign(Maglev.of(hosts), 1);
        List<TestHost> fewer = new ArrayList<>(hosts);
        fewer.remove(42);
        String[] after = assign(Maglev.of(fewer), 1);
        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            moved += before[k].equals(after[k]) ? 0 : 1;
        }
        assertThat((double) moved / KEYS).isLessThanOrEqualTo(0.02);
    }

    @Test
    void sameTableWhateverTheHostOrder() {
        List<TestHost> hosts = TestHost.many(100);
        List<TestHost> shuffled = new ArrayList<>(hosts);
        Collections.shuffle(shuffled, new java.util.Random(5));
        assertThat(Maglev.of(shuffled).tableIds()).isEqualTo(Maglev.of(hosts).tableIds());
    }

    @Test
    void sharesMatchWeights() {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4);
        Shares.assertMatchWeights(Shares.hashed(Maglev.of(hosts), hosts, 100_000, 3), hosts);
    }

    @Test
    void tableSizeMustBePrimeAndExceedAHundredPerHost() {
        assertThatThrownBy(() -> Maglev.of(TestHost.many(3), 65536, 0)).hasMessageContaining("prime");
        assertThatThrownBy(() -> Maglev.of(TestHost.many(700), 65537, 0)).hasMessageContaining("exceed");
        assertThat(Maglev.fittedTableSize(65537, 700)).isEqualTo(70001);
        assertThat(Maglev.fittedTableSize(65537, 100)).isEqualTo(65537);
    }

    @Test
    void unavailableTargetPassesOnAndAvoidIsHonoured() {
        List<TestHost> hosts = TestHost.many(10);
        Maglev<TestHost> maglev = Maglev.of(hosts);
        String[] before = assign(maglev, 2);
        hosts.get(4).available = false;
        String[] after = assign(maglev, 2);
        for (int k = 0; k < KEYS; k++) {
            if (!before[k].equals(hosts.get(4).id())) {
                assertThat(after[k]).isEqualTo(before[k]);
            } else {
                assertThat(after[k]).isNotEqualTo(hosts.get(4).id());
            }
        }
        TestHost first = maglev.pick(PickContext.ofHash(77));
        assertThat(maglev.pick(PickContext.ofHash(77).avoiding(first))).isNotNull().isNotSameAs(first);
        hosts.forEach(h -> h.available = false);
        assertThat(maglev.pick(PickContext.ofHash(77))).isNull();
    }
}
