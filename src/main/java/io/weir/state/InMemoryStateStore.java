package io.weir.state;

import io.weir.runtime.LoopClock;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The default store, for a single node: values and buckets in this process. Expired values are dropped when
 * read, and swept out whenever the table reaches {@code maxKeys}.
 */
public final class InMemoryStateStore implements StateStore {

    private record Entry(String value, long expiresAtNanos) { }

    private final Map<String, Entry> values = new ConcurrentHashMap<>();
    private final TokenBuckets buckets;
    private final LongSupplier nanoClock;
    private final int maxKeys;

    public InMemoryStateStore() {
        this(TokenBuckets.DEFAULT_MAX_KEYS, LoopClock::nanoTime);
    }

    public InMemoryStateStore(int maxKeys, LongSupplier nanoClock) {
        this.maxKeys = maxKeys;
        this.nanoClock = nanoClock;
        this.buckets = new TokenBuckets(maxKeys, nanoClock);
    }

    @Override
    public CompletionStage<Optional<String>> get(String key) {
        Entry e = values.get(key);
        if (e == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (nanoClock.getAsLong() - e.expiresAtNanos >= 0) {
            values.remove(key, e);
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.completedFuture(Optional.of(e.value));
    }

    @Override
    public CompletionStage<Void> put(String key, String value, Duration ttl) {
        long now = nanoClock.getAsLong();
        if (values.size() >= maxKeys && !values.containsKey(key)) {
            values.values().removeIf(e -> now - e.expiresAtNanos >= 0);
            var it = values.keySet().iterator();
            while (values.size() >= maxKeys && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        values.put(key, new Entry(value, now + ttl.toNanos()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Long> tryAcquire(String key, double perSecond, int burst) {
        return CompletableFuture.completedFuture(buckets.tryAcquire(key, perSecond, burst));
    }

    @Override
    public void close() {
        values.clear();
    }
}
