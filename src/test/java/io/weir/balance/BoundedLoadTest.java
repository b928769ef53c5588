package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BoundedLoadTest {

    /** Hot keys (a third of picks on one key), requests staying a while, the cap checked on every pick. */
    private static void neverExceedsCap(LoadBalancer<TestHost> lb, List<TestHost> hosts, double factor) {
        SplittableRandom random = new SplittableRandom(17);
        ArrayDeque<TestHost> inFlight = new ArrayDeque<>();
        for (int p = 0; p < 50_000; p++) {
            long key = random.nextInt(3) == 0 ? 42 : random.nextInt(50);
            long cap = (long) Math.ceil(factor * (hosts.stream().mapToInt(h -> h.outstanding).sum() + 1) / hosts.size());
            TestHost h = lb.pick(PickContext.ofHash(Hashing.mix64(key)));
            h.outstanding++;
            assertThat(h.outstanding).as("pick %d", p).isLessThanOrEqualTo((int) cap);
            inFlight.add(h);
            if (inFlight.size() > 200) {
                inFlight.poll().outstanding--;
            }
        }
    }

    @Test
    void ringHashNeverExceedsTheCap() {
        List<TestHost> hosts = TestHost.many(10);
        neverExceedsCap(RingHash.of(hosts, 256, 1.25), hosts, 1.25);
    }

    @Test
    void maglevNeverExceedsTheCap() {
        List<TestHost> hosts = TestHost.many(10);
        neverExceedsCap(Maglev.of(hosts, 65537, 1.25), hosts, 1.25);
    }

    @Test
    void withoutTheBoundAHotKeyOverloadsItsHost() {
        List<TestHost> hosts = TestHost.many(10);
        Maglev<TestHost> maglev = Maglev.of(hosts);
        for (int p = 0; p < 100; p++) {
            maglev.pick(PickContext.ofHash(42)).outstanding++;
        }
        assertThat(hosts.stream().mapToInt(h -> h.outstanding).max().getAsInt()).isEqualTo(100);
    }

    @Test
    void overflowGoesToTheNextHostOnTheRing() {
        List<TestHost> hosts = TestHost.many(4);
        RingHash<TestHost> bounded = RingHash.of(hosts, 256, 1.0);
        RingHash<TestHost> plain = RingHash.of(hosts);
        TestHost home = plain.pick(PickContext.ofHash(99));
        TestHost backup = plain.pick(PickContext.ofHash(99).avoiding(home));
        home.outstanding = 1; // cap = ceil(1.0 × 2 / 4) = 1: home is full
        assertThat(bounded.pick(PickContext.ofHash(99))).isSameAs(backup);
    }
}
