package io.weir.state;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketsTest {

    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void burstThenRefillAtTheRate() {
        TokenBuckets buckets = new TokenBuckets(100, now::get);
        for (int i = 0; i < 5; i++) {
            assertThat(buckets.tryAcquire("k", 10, 5)).isZero();
        }
        long wait = buckets.tryAcquire("k", 10, 5);
        assertThat(wait).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(buckets.tryAcquire("k", 10, 5)).isZero();
        assertThat(buckets.tryAcquire("k", 10, 5)).isPositive();
        // A long quiet spell refills to the burst, no further.
        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        for (int i = 0; i < 5; i++) {
            assertThat(buckets.tryAcquire("k", 10, 5)).isZero();
        }
        assertThat(buckets.tryAcquire("k", 10, 5)).isPositive();
    }

    @Test
    void keysAreIndependent() {
        TokenBuckets buckets = new TokenBuckets(100, now::get);
        assertThat(buckets.tryAcquire("a", 1, 1)).isZero();
        assertThat(buckets.tryAcquire("a", 1, 1)).isPositive();
        assertThat(buckets.tryAcquire("b", 1, 1)).isZero();
    }

    @Test
    void theTableStaysBoundedAndIdleKeysGoFirst() {
        TokenBuckets buckets = new TokenBuckets(10, now::get);
        assertThat(buckets.tryAcquire("busy", 1.0 / 60, 1)).isZero();
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        for (int i = 0; i < 9; i++) {
            buckets.tryAcquire("idle" + i, 100, 1);
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        buckets.tryAcquire("new", 100, 1);
        assertThat(buckets.size()).isLessThanOrEqualTo(10);
        // The busy key kept its empty bucket; the idle ones, full again, were dropped.
        assertThat(buckets.tryAcquire("busy", 1.0 / 60, 1)).isPositive();
        for (int i = 0; i < 1000; i++) {
            buckets.tryAcquire("flood" + i, 1.0 / 60, 1);
        }
        assertThat(buckets.size()).isLessThanOrEqualTo(10);
    }
}
