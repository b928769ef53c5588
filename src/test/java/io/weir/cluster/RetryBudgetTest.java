package io.weir.cluster;

import io.weir.config.ClusterConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void retriesInFlightStayUnderTheShareOfRequestsInFlight() {
        RetryBudget budget = new RetryBudget("c", new ClusterConfig.RetryBudget(20, 0), now::get);
        for (int i = 0; i < 50; i++) {
            budget.requestStarted();
        }
        int granted = 0;
        for (int i = 0; i < 50; i++) {
            if (budget.tryRetry()) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(10);
        assertThat(budget.exhausted()).isEqualTo(40);
        budget.retryEnded();
        assertThat(budget.tryRetry()).isTrue();
    }

    @Test
    void theFloorRefillsEverySecond() {
        RetryBudget budget = new RetryBudget("c", new ClusterConfig.RetryBudget(0, 3), now::get);
        budget.requestStarted();
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        assertThat(budget.tryRetry()).isFalse();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.exhausted()).isEqualTo(2);
    }

    @Test
    void zeroPercentAndNoFloorRefusesEveryRetry() {
        RetryBudget budget = new RetryBudget("c", new ClusterConfig.RetryBudget(0, 0), now::get);
        budget.requestStarted();
        assertThat(budget.tryRetry()).isFalse();
        budget.requestEnded();
        assertThat(budget.active()).isZero();
    }
}
