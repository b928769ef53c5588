package io.weir.proxy.http.route;

import io.weir.config.RateLimitConfig;
import io.weir.state.TokenBuckets;

import java.util.concurrent.atomic.LongAdder;

/**
 * A route's {@code rate_limit}: one token bucket per key, kept in this node. A request without the header or
 * cookie its key names is counted by its client address instead, so leaving the header out does not escape
 * the limit.
 */
public final class RateLimiter {

    private final RateLimitConfig config;
    private final TokenBuckets buckets;
    private final LongAdder limited = new LongAdder();

    RateLimiter(RateLimitConfig config, TokenBuckets buckets) {
        this.config = config;
        this.buckets = buckets;
    }

    static RateLimiter of(RateLimitConfig config) {
        return new RateLimiter(config, new TokenBuckets(TokenBuckets.DEFAULT_MAX_KEYS, System::nanoTime));
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
