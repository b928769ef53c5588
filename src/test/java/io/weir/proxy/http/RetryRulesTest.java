package io.weir.proxy.http;

import io.netty.handler.codec.http.HttpMethod;
import io.weir.cluster.RetryBudget;
import io.weir.config.ClusterConfig;
import io.weir.config.RetryOn;
import io.weir.config.RouteConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static io.weir.proxy.http.RetryRules.Failure.RESET;
import static io.weir.proxy.http.RetryRules.Failure.STATUS;
import static io.weir.proxy.http.RetryRules.Failure.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

class RetryRulesTest {

    private final RetryBudget budget = new RetryBudget("c", new ClusterConfig.RetryBudget(100, 100), System::nanoTime);

    private static RouteConfig.RetryPolicy policy(int attempts, RetryOn on, boolean nonIdempotent) {
        return new RouteConfig.RetryPolicy(attempts, Optional.empty(), on, nonIdempotent,
                new RouteConfig.Backoff(Duration.ofMillis(10), Duration.ofMillis(100)));
    }

    @Test
    void failedConnectsAreRetriedOnUpToThreeEndpointsEvenWithoutARetriesBlock() {
        RetryRules rules = new RetryRules(RouteConfig.RetryPolicy.NONE, budget, HttpMethod.POST, 5);
        assertThat(rules.retryConnect(1)).isTrue();
        assertThat(rules.retryConnect(2)).isTrue();
        assertThat(rules.retryConnect(3)).isFalse();
        assertThat(new RetryRules(RouteConfig.RetryPolicy.NONE, budget, HttpMethod.GET, 1).retryConnect(1)).isFalse();
        RetryRules off = new RetryRules(policy(3, new RetryOn(false, true, Set.of()), false), budget, HttpMethod.GET, 5);
        assertThat(off.retryConnect(1)).isFalse();
    }

    @Test
    void onlyListedFailuresOfReplayableIdempotentRequestsWithinAttempts() {
        RetryRules get = new RetryRules(policy(3, new RetryOn(true, false, Set.of(503, 504)), false), budget,
                HttpMethod.GET, 5);
        assertThat(get.retry(STATUS, 503, 1, false)).isTrue();
        assertThat(get.retry(STATUS, 500, 1, false)).isFalse();
        assertThat(get.retry(RESET, 0, 1, false)).isFalse();
        assertThat(get.retry(TIMEOUT, 504, 1, false)).isTrue();
        assertThat(get.retry(STATUS, 503, 1, true)).as("body already streamed").isFalse();
        assertThat(get.retry(STATUS, 503, 3, false)).as("attempts spent").isFalse();

        RetryRules post = new RetryRules(policy(3, RetryOn.DEFAULT, false), budget, HttpMethod.POST, 5);
        assertThat(post.retry(STATUS, 503, 1, false)).isFalse();
        RetryRules optedIn = new RetryRules(policy(3, RetryOn.DEFAULT, true), budget, HttpMethod.POST, 5);
        assertThat(optedIn.retry(STATUS, 503, 1, false)).isTrue();
    }

    @Test
    void aSpentBudgetRefusesAndSaysSo() {
        RetryBudget none = new RetryBudget("c", new ClusterConfig.RetryBudget(0, 0), System::nanoTime);
        RetryRules rules = new RetryRules(policy(3, RetryOn.DEFAULT, false), none, HttpMethod.GET, 5);
        assertThat(rules.retry(STATUS, 503, 1, false)).isFalse();
        assertThat(rules.budgetRefused()).isTrue();
        assertThat(none.exhausted()).isEqualTo(1);
        rules.end();
        assertThat(none.active()).isZero();
    }

    @Test
    void aRequestHoldsOneBudgetSlotAtMostAndGivesItBack() {
        RetryRules rules = new RetryRules(policy(5, RetryOn.DEFAULT, false), budget, HttpMethod.GET, 5);
        assertThat(rules.retry(STATUS, 503, 1, false)).isTrue();
        assertThat(rules.retry(STATUS, 503, 2, false)).isTrue();
        assertThat(budget.retrying()).isEqualTo(1);
        rules.end();
        assertThat(budget.retrying()).isZero();
        assertThat(budget.active()).isZero();
    }

    @Test
    void backoffIsFullJitterUnderAnExponentialCap() {
        RetryRules rules = new RetryRules(policy(10, RetryOn.DEFAULT, false), budget, HttpMethod.GET, 5);
        long[] caps = {10, 20, 40, 80, 100, 100};
        for (int n = 0; n < caps.length; n++) {
            assertThat(rules.retry(STATUS, 503, n + 1, false)).isTrue();
            long max = 0;
            for (int i = 0; i < 2000; i++) {
                long b = rules.backoffNanos();
                assertThat(b).isBetween(0L, Duration.ofMillis(caps[n]).toNanos());
                max = Math.max(max, b);
            }
            assertThat(max).isGreaterThan(Duration.ofMillis(caps[n]).toNanos() / 2);
        }
    }
}
