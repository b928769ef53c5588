package io.weir.proxy.http.route;

import io.weir.config.RateLimitConfig;
import io.weir.runtime.LoopClock;
import io.weir.state.StateStore;
import io.weir.state.TokenBuckets;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * A route's {@code rate_limit}: one token bucket per key, kept in this node. A request without the header or
 * cookie its key names is counted by its client address instead, so leaving the header out does not escape
 * the limit.
 */
public final class RateLimiter {

    private final RateLimitConfig config;
    private final TokenBuckets buckets;
    /** For {@code scope: global}: the shared store; null for a local limit. */
    private final StateStore shared;
    private final String routeName;
    private final LongAdder limited = new LongAdder();

    RateLimiter(RateLimitConfig config, TokenBuckets buckets, StateStore shared, String routeName) {
        this.config = config;
        this.buckets = buckets;
        this.shared = shared;
        this.routeName = routeName;
    }

    /** @param store the shared store for {@code scope: global}; null keeps every bucket in this node */
    static RateLimiter of(RateLimitConfig config, String routeName, StateStore store) {
        StateStore shared = config.scope() == RateLimitConfig.Scope.GLOBAL ? store : null;
        return new RateLimiter(config, new TokenBuckets(TokenBuckets.DEFAULT_MAX_KEYS, LoopClock::nanoTime), shared,
                routeName);
    }

    /** Whether {@link #of} would build the same limiter from {@code config} and {@code store}: a reload keeps it. */
    boolean sameAs(RateLimitConfig config, StateStore store) {
        return this.config.equals(config) && shared == (config.scope() == RateLimitConfig.Scope.GLOBAL ? store : null);
    }

    /** Whether its buckets are in the shared store: {@link #checkShared} then, not {@link #check}. */
    public boolean isShared() {
        return shared != null;
    }

    /**
     * {@link #check} against the shared store. Never fails: the store answers from local state when it cannot
     * reach its backend.
     */
    public CompletionStage<Long> checkShared(RequestView request, String clientIp) {
        return shared.tryAcquire(routeName + ":" + key(request, clientIp), config.perSecond(), config.burst())
                .thenApply(wait -> {
                    if (wait > 0) {
                        limited.increment();
                    }
                    return wait;
                });
    }

    /**
     * Counts one request against its bucket.
     *
     * @return 0 when it may go on; else nanoseconds until its bucket has a token again
     */
    public long check(RequestView request, String clientIp) {
        long wait = buckets.tryAcquire(key(request, clientIp), config.perSecond(), config.burst());
        if (wait > 0) {
            limited.increment();
        }
        return wait;
    }

    private String key(RequestView request, String clientIp) {
        String key = switch (config.key().kind()) {
            case CLIENT_IP -> clientIp;
            case ROUTE -> "";
            case HEADER -> request.headers().get(config.key().name());
            case COOKIE -> request.cookie(config.key().name());
        };
        // Prefixed, so a header value cannot pass for an address.
        return key == null ? "ip:" + clientIp : "k:" + key;
    }

    /** Requests refused with 429. */
    public long limited() {
        return limited.sum();
    }

    /** {@code Retry-After} for a wait: whole seconds, rounded up, at least 1. */
    public static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }
}
