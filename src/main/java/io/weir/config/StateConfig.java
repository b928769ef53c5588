package io.weir.config;

import java.time.Duration;

/**
 * {@code state: { redis: { uri: redis://127.0.0.1:6379, timeout: 100ms } }}: the store that several Weir nodes
 * share (global rate limits). Without it, state is kept in each node.
 *
 * @param redisUri     a Lettuce URI: {@code redis://[password@]host:port[/db]}, {@code rediss://} for TLS
 * @param redisTimeout how long one call may take before it is answered from local state instead
 */
public record StateConfig(String redisUri, Duration redisTimeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
}
