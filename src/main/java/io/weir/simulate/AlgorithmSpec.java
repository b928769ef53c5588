package io.weir.simulate;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.weir.balance.BalancerSpec;
import io.weir.balance.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One contender: a policy and its options. In a scenario file either a bare policy name
 * ({@code maglev}) or an object ({@code {policy: maglev, hashBalanceFactor: 1.25}}).
 */
public record AlgorithmSpec(String name, Policy policy, double hashBalanceFactor, Duration slowStart) {

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public AlgorithmSpec {
        Objects.requireNonNull(policy, "policy");
        slowStart = Objects.requireNonNullElse(slowStart, Duration.ZERO);
        if (name == null) {
            name = policy.name().toLowerCase(Locale.ROOT)
                    + (hashBalanceFactor > 0 ? "+bound" + hashBalanceFactor : "")
                    + (slowStart.isZero() ? "" : "+slowstart");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static AlgorithmSpec of(String policy) {
        return new AlgorithmSpec(null, Policy.valueOf(policy.toUpperCase(Locale.ROOT)), 0, null);
    }

    static List<AlgorithmSpec> everyPolicy() {
        List<AlgorithmSpec> all = new ArrayList<>();
        for (Policy p : Policy.values()) {
            all.add(new AlgorithmSpec(null, p, 0, null));
        }
        return all;
    }

    BalancerSpec balancerSpec() {
        BalancerSpec spec = BalancerSpec.of(policy).withHashBalanceFactor(hashBalanceFactor);
        return slowStart.isZero() ? spec : spec.withSlowStart(slowStart, BalancerSpec.DEFAULT_SLOW_START_AGGRESSION,
                BalancerSpec.DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT);
    }
}
