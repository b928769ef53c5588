package io.weir.state;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * State that several Weir nodes may share: global rate-limit buckets here, and through {@link #shared()} learned
 * sticky sessions and drain flags. Every call is
 * non-blocking; an implementation backed by a remote store completes with its local fallback rather than with an
 * error when the store is down, so a store outage never fails a request.
 */
public interface StateStore extends AutoCloseable {

    /** The value under {@code key}, if one is there and has not expired. */
    CompletionStage<Optional<String>> get(String key);

    /** Puts {@code value} under {@code key} for {@code ttl}; a later put replaces it and its expiry. */
    CompletionStage<Void> put(String key, String value, Duration ttl);

    /**
     * Takes one token from the bucket {@code key} (size {@code burst}, refilled at {@code perSecond}).
     *
     * @return 0 when a token was taken; else nanoseconds until one will be there
     */
    CompletionStage<Long> tryAcquire(String key, double perSecond, int burst);

    /** The store every node sees, for state this node also keeps itself; empty for a single-node store. */
    default Optional<SharedStore> shared() {
        return Optional.empty();
    }

    @Override
    void close();
}
