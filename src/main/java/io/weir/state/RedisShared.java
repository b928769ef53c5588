package io.weir.state;

import io.lettuce.core.GetExArgs;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link SharedStore} on a {@link RedisStateStore}'s connection: the same key prefix and deadline, the same outage
 * logging and count ({@code weir_state_fallbacks_total}), but a call Redis does not answer fails, for the caller
 * to keep its own state.
 */
final class RedisShared implements SharedStore {

    /** Failure of every call while no connection was ever made. */
    private static final IllegalStateException NOT_CONNECTED = new IllegalStateException("not connected to Redis");

    private final RedisStateStore store;

    RedisShared(RedisStateStore store) {
        this.store = store;
    }

    @Override
    public CompletionStage<Optional<String>> get(String key) {
        return call(r -> r.get(key(key)).thenApply(Optional::ofNullable));
    }

    @Override
    public CompletionStage<Optional<String>> touch(String key, Duration ttl) {
        return call(r -> r.getex(key(key), GetExArgs.Builder.px(ttl.toMillis())).thenApply(Optional::ofNullable));
    }

    @Override
    public CompletionStage<Void> put(String key, String value, Duration ttl) {
        return call(r -> r.set(key(key), value, SetArgs.Builder.px(ttl.toMillis())).thenApply(ok -> null));
    }

    @Override
    public CompletionStage<Boolean> putIfAbsent(String key, String value, Duration ttl) {
        return call(r -> r.set(key(key), value, SetArgs.Builder.nx().px(ttl.toMillis())).thenApply("OK"::equals));
    }

    @Override
    public CompletionStage<Void> delete(String key) {
        return call(r -> r.del(key(key)).thenApply(n -> null));
    }

    @Override
    public CompletionStage<Map<String, String>> hashEntries(String hash) {
        return call(r -> r.hgetall(key(hash)).thenApply(m -> m == null ? Map.of() : m));
    }

    @Override
    public CompletionStage<Void> hashPut(String hash, String field, String value) {
        return call(r -> r.hset(key(hash), field, value).thenApply(b -> null));
    }

    @Override
    public CompletionStage<Boolean> hashPutIfAbsent(String hash, String field, String value) {
        return call(r -> r.hsetnx(key(hash), field, value).thenApply(Boolean.TRUE::equals));
    }

    private String key(String key) {
        return store.prefix() + key;
    }

    private <T> CompletionStage<T> call(Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command) {
        StatefulRedisConnection<String, String> c = store.connection();
        if (c == null) {
            // Not connected yet: a failed connect is logged by the store itself.
            store.notConnected();
            return CompletableFuture.failedFuture(NOT_CONNECTED);
        }
        CompletableFuture<T> remote;
        try {
            remote = command.apply(c.async()).toCompletableFuture();
        } catch (RuntimeException e) {
            store.failed(e);
            return CompletableFuture.failedFuture(e);
        }
        return remote.orTimeout(store.timeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
            if (error == null) {
                store.answered();
            } else {
                store.failed(error);
            }
        });
    }
}
