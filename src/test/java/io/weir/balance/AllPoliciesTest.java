package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The contract every policy keeps, with and without a hash, through the public factory. */
class AllPoliciesTest {

    private final FakeClock clock = new FakeClock();

    private LoadBalancer<TestHost> create(Policy policy, List<TestHost> hosts) {
        return LoadBalancers.factory(BalancerSpec.of(policy), 7, clock).create(hosts);
    }

    private static PickContext ctx(int i, boolean hashed) {
        return hashed ? PickContext.ofHash(Hashing.mix64(i)) : PickContext.NONE;
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void neverPicksAnUnavailableHost(Policy policy) {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4, 5);
        hosts.get(1).available = false;
        hosts.get(3).available = false;
        LoadBalancer<TestHost> lb = create(policy, hosts);
        for (boolean hashed : new boolean[] {false, true}) {
            for (int i = 0; i < 2000; i++) {
                assertThat(lb.pick(ctx(i, hashed)).isAvailable()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void avoidsTheFailedHostWhenAnotherIsAvailable(Policy policy) {
        List<TestHost> hosts = TestHost.weighted(5, 1, 1);
        hosts.get(0).latency.observe(1);
        hosts.get(2).available = false;
        LoadBalancer<TestHost> lb = create(policy, hosts);
        for (boolean hashed : new boolean[] {false, true}) {
            for (int i = 0; i < 2000; i++) {
                assertThat(lb.pick(ctx(i, hashed).avoiding(hosts.get(0)))).isSameAs(hosts.get(1));
            }
        }
        hosts.get(1).available = false;
        assertThat(lb.pick(ctx(1, false).avoiding(hosts.get(0)))).isSameAs(hosts.get(0));
        assertThat(lb.pick(ctx(1, true).avoiding(hosts.get(0)))).isSameAs(hosts.get(0));
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void nullWhenNoneIsAvailableOrThePoolIsEmpty(Policy policy) {
        List<TestHost> hosts = TestHost.weighted(1, 1);
        hosts.forEach(h -> h.available = false);
        LoadBalancer<TestHost> lb = create(policy, hosts);
        assertThat(lb.pick(ctx(1, false))).isNull();
        assertThat(lb.pick(ctx(1, true))).isNull();
        LoadBalancer<TestHost> empty = create(policy, List.of());
        assertThat(empty.pick(ctx(1, false))).isNull();
        assertThat(empty.pick(ctx(1, true))).isNull();
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void sameSeedSamePicks(Policy policy) {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3);
        LoadBalancer<TestHost> a = create(policy, hosts);
        LoadBalancer<TestHost> b = create(policy, hosts);
        for (int i = 0; i < 500; i++) {
            assertThat(a.pick(ctx(i, true))).isSameAs(b.pick(ctx(i, true)));
            assertThat(a.pick(ctx(i, false))).isSameAs(b.pick(ctx(i, false)));
        }
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void slowStartDecoratorKeepsTheContract(Policy policy) {
        List<TestHost> hosts = TestHost.weighted(1, 1, 1);
        hosts.get(0).availableSince = clock.getAsLong();
        hosts.get(2).available = false;
        BalancerSpec spec = BalancerSpec.of(policy).withSlowStart(Duration.ofSeconds(10), 1, 10);
        LoadBalancer<TestHost> lb = LoadBalancers.factory(spec, 7, clock).create(hosts);
        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(20));
            assertThat(lb.pick(ctx(i, i % 2 == 0).avoiding(hosts.get(1)))).isSameAs(hosts.get(0));
        }
    }
}
