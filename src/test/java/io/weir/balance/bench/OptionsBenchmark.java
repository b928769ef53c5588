package io.weir.balance.bench;

import io.weir.balance.BalancerSpec;
import io.weir.balance.Hashing;
import io.weir.balance.Host;
import io.weir.balance.LoadBalancer;
import io.weir.balance.LoadBalancers;
import io.weir.balance.PeakEwma;
import io.weir.balance.PickContext;
import io.weir.balance.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the options cost per pick: bounded load on the hash policies (one pass over the pool to find
 * the mean) and the slow-start decorator (one clock read), against the plain policies in
 * {@link PickBenchmark}. One host of the pool is ramping up, so slow start is live.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class OptionsBenchmark {

    @Param({"ROUND_ROBIN_SLOW_START", "POWER_OF_TWO_SLOW_START", "RING_HASH_BOUNDED", "MAGLEV_BOUNDED"})
    public String variant;

    @Param({"3", "100", "1000"})
    public int hosts;

    private LoadBalancer<BenchHost> balancer;
    private final PickContext[] contexts = new PickContext[1024];
    private int next;

    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(1);
        List<BenchHost> pool = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            BenchHost h = new BenchHost("10.0." + (i / 250) + "." + (i % 250) + ":8080", 1 + random.nextInt(3),
                    random.nextInt(8));
            h.latency.observe(1_000_000 + random.nextInt(5_000_000));
            pool.add(h);
        }
        pool.get(0).availableSince = System.nanoTime();
        BalancerSpec spec = switch (variant) {
            case "ROUND_ROBIN_SLOW_START" -> BalancerSpec.of(Policy.ROUND_ROBIN).withSlowStart(Duration.ofHours(1), 1, 10);
            case "POWER_OF_TWO_SLOW_START" -> BalancerSpec.of(Policy.POWER_OF_TWO).withSlowStart(Duration.ofHours(1), 1, 10);
            case "RING_HASH_BOUNDED" -> BalancerSpec.of(Policy.RING_HASH).withHashBalanceFactor(1.25);
            default -> BalancerSpec.of(Policy.MAGLEV).withHashBalanceFactor(1.25);
        };
        balancer = LoadBalancers.factory(spec, 42, System::nanoTime).create(pool);
        // Contexts made up front: the benchmark measures the pick, not building its argument.
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = PickContext.ofHash(Hashing.mix64(i));
        }
    }

    @Benchmark
    public Host pick() {
        return balancer.pick(contexts[next++ & (contexts.length - 1)]);
    }

    static final class BenchHost implements Host {
        final String id;
        final int weight;
        final int outstanding;
        final PeakEwma latency = new PeakEwma();
        long availableSince = Long.MIN_VALUE;

        BenchHost(String id, int weight, int outstanding) {
            this.id = id;
            this.weight = weight;
            this.outstanding = outstanding;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public int outstanding() {
            return outstanding;
        }

        @Override
        public PeakEwma latency() {
            return latency;
        }

        @Override
        public long availableSinceNanos() {
            return availableSince;
        }
    }
}
