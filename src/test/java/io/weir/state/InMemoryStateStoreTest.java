package io.weir.state;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryStateStoreTest {

    private final AtomicLong now = new AtomicLong(5_000);

    private static <T> T value(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @Test
    void aValueLivesForItsTtlAndAPutReplacesIt() {
        try (InMemoryStateStore store = new InMemoryStateStore(100, now::get)) {
            value(store.put("s:1", "a", Duration.ofSeconds(10)));
            assertThat(value(store.get("s:1"))).contains("a");
            now.addAndGet(Duration.ofSeconds(9).toNanos());
            value(store.put("s:1", "b", Duration.ofSeconds(10)));
            now.addAndGet(Duration.ofSeconds(9).toNanos());
            assertThat(value(store.get("s:1"))).contains("b");
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            assertThat(value(store.get("s:1"))).isEqualTo(Optional.empty());
            assertThat(value(store.get("nothing"))).isEmpty();
        }
    }

    @Test
    void theTableIsBoundedExpiredEntriesFirst() {
        try (InMemoryStateStore store = new InMemoryStateStore(10, now::get)) {
            value(store.put("keep", "k", Duration.ofHours(1)));
            for (int i = 0; i < 9; i++) {
                value(store.put("old" + i, "x", Duration.ofSeconds(1)));
            }
            now.addAndGet(Duration.ofSeconds(2).toNanos());
            value(store.put("new", "n", Duration.ofHours(1)));
            assertThat(value(store.get("keep"))).contains("k");
            assertThat(value(store.get("new"))).contains("n");
            for (int i = 0; i < 100; i++) {
                value(store.put("flood" + i, "x", Duration.ofHours(1)));
            }
            assertThat(value(store.get("flood99"))).contains("x");
        }
    }

    @Test
    void bucketsThroughTheStore() {
        try (InMemoryStateStore store = new InMemoryStateStore(10, now::get)) {
            assertThat(value(store.tryAcquire("rl:a", 1, 2))).isZero();
            assertThat(value(store.tryAcquire("rl:a", 1, 2))).isZero();
            assertThat(value(store.tryAcquire("rl:a", 1, 2))).isEqualTo(Duration.ofSeconds(1).toNanos());
        }
    }
}
