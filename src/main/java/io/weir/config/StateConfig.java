package io.weir.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code state: { redis: { uri: redis://127.0.0.1:6379, timeout: 100ms, … } }}: the store that several Weir nodes
 * share (global rate limits, learned application-cookie sessions, endpoint drain flags). Without it, state is kept
 * in each node.
 *
 * @param redisUri     a Lettuce URI: {@code redis://[[user:]password@]host:port[/db]}, {@code rediss://} for TLS
 * @param redisTimeout how long one call may take before it is answered from local state instead
 * @param passwordEnv  the environment variable holding Redis's password (overrides one in the URI)
 * @param tls          TLS to Redis (also turned on by {@code rediss://}); absent = as the URI says
 * @param syncInterval how often shared drain flags are read and written back
 */
public record StateConfig(String redisUri, Duration redisTimeout, Optional<String> passwordEnv,
                          Optional<RedisTls> tls, Duration syncInterval) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);

    public StateConfig(String redisUri, Duration redisTimeout) {
        this(redisUri, redisTimeout, Optional.empty(), Optional.empty(), DEFAULT_SYNC_INTERVAL);
    }

    /**
     * {@code tls: { verify: system | none | CA-FILE }}: whom to trust. Hostnames are verified unless
     * {@code verify: none}.
     *
     * @param verifyCa     the CA file to trust; absent with {@code verifyPeer} = the JDK's trust store
     * @param verifyPeer   false for {@code verify: none}: encryption without authentication
     */
    public record RedisTls(Optional<Path> verifyCa, boolean verifyPeer) {
    }
}
