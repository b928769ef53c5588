package io.weir.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many threads on one snapshot, as many event loops would be: no errors, no nulls, no pick lost. */
class ConcurrentPickTest {

    @ParameterizedTest
    @EnumSource(Policy.class)
    void picksFromManyThreadsAtOnce(Policy policy) throws Exception {
        List<TestHost> hosts = TestHost.weighted(1, 2, 3, 4);
        LoadBalancer<TestHost> lb = LoadBalancers.factory(BalancerSpec.of(policy), 3, System::nanoTime).create(hosts);
        AtomicInteger[] counts = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        TestHost h = lb.pick(PickContext.ofHash(Hashing.mix64(thread * 1_000_000L + i)));
                        counts[hosts.indexOf(h)].incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = 0;
        for (AtomicInteger c : counts) {
            total += c.get();
        }
        assertThat(total).isEqualTo(80_000);
    }
}
