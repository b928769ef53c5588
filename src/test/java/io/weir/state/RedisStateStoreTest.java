package io.weir.state;

import io.weir.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** Two stores ("nodes") sharing one real redis-server; Redis killed and restarted under them. */
class RedisStateStoreTest {

    private RedisServer redis;
    private RedisStateStore a;
    private RedisStateStore b;

    @BeforeEach
    void start() throws Exception {
        assumeThat(RedisServer.installed()).as("redis-server installed").isTrue();
        redis = RedisServer.start();
        a = RedisStateStore.connect(redis.uri(), Duration.ofMillis(500));
        b = RedisStateStore.connect(redis.uri(), Duration.ofMillis(500));
        await().atMost(20, TimeUnit.SECONDS).until(() -> !a.isDown() && !b.isDown());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static <T> T value(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void whatOneNodePutsTheOtherReads() {
        value(a.put("sticky:app:s1", "127.0.0.1:9001", Duration.ofMinutes(1)));
        assertThat(value(b.get("sticky:app:s1"))).contains("127.0.0.1:9001");
        assertThat(value(b.get("sticky:app:none"))).isEmpty();
    }

    @Test
    void aGlobalBucketIsSharedByBothNodes() {
        assertThat(value(a.tryAcquire("api:k", 1.0 / 60, 3))).isZero();
        assertThat(value(b.tryAcquire("api:k", 1.0 / 60, 3))).isZero();
        assertThat(value(a.tryAcquire("api:k", 1.0 / 60, 3))).isZero();
        assertThat(value(b.tryAcquire("api:k", 1.0 / 60, 3))).isPositive();
        assertThat(value(a.tryAcquire("api:k", 1.0 / 60, 3))).isPositive();
        assertThat(value(a.tryAcquire("api:other", 1.0 / 60, 3))).isZero();
    }

    @Test
    void redisDownFailsNothingAndSharingResumesWhenItIsBack() throws Exception {
        value(a.put("s", "before", Duration.ofMinutes(1)));
        redis.kill();
        // Every call still completes, from local state.
        for (int i = 0; i < 5; i++) {
            assertThat(value(a.tryAcquire("down:k", 100, 100))).isZero();
        }
        assertThat(value(a.get("s"))).contains("before");
        value(b.put("t", "local to b", Duration.ofMinutes(1)));
        assertThat(value(b.get("t"))).contains("local to b");
        assertThat(a.fallbacks()).isPositive();
        assertThat(a.isDown()).isTrue();

        redis.restart();
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> {
            value(a.put("after", "shared", Duration.ofMinutes(1)));
            return value(b.get("after")).equals(Optional.of("shared"));
        });
        assertThat(a.isDown()).isFalse();
    }
}
