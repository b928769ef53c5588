package io.weir.balance.bench;

import io.weir.balance.BalancerSpec;
import io.weir.balance.Hashing;
import io.weir.balance.Host;
import io.weir.balance.LoadBalancer;
import io.weir.balance.LoadBalancers;
import io.weir.balance.PeakEwma;
import io.weir.balance.PickContext;
import io.weir.balance.Policy;
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
 * Nanoseconds per pick, per policy and pool size. Hosts carry a little load and latency so the
 * load-aware policies do their real comparisons; hash policies get a new key every pick. Run it as
 * written in docs/benchmarks-balance.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PickBenchmark {

    @Param({"ROUND_ROBIN", "LEAST_CONNECTIONS", "POWER_OF_TWO", "LEAST_RESPONSE_TIME", "RANDOM", "RING_HASH", "MAGLEV"})
    public Policy policy;

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
        balancer = LoadBalancers.factory(BalancerSpec.of(policy), 42, System::nanoTime).create(pool);
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
            return Long.MIN_VALUE;
        }
    }
}
