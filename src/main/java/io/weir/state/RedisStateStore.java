package io.weir.state;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.weir.config.StateConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * State shared by several Weir nodes through Redis (Lettuce, non-blocking). Every call has a deadline; when
 * Redis is down, slow or not yet connected, the call completes with the answer of a local
 * {@link InMemoryStateStore} instead of an error, so a store outage never fails a request. Puts also go to the
 * local store, so what this node learned survives an outage; sharing resumes when Redis is back (Lettuce
 * reconnects by itself). {@link #shared()} gives the calls that say when Redis did not answer, for state the
 * caller keeps itself.
 */
public final class RedisStateStore implements StateStore {

    private static final Logger log = LoggerFactory.getLogger(RedisStateStore.class);

    /** Token bucket in Redis, on Redis's clock: returns 0 when a token was taken, else nanoseconds to wait. */
    private static final String TAKE = """
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(b[1])
            local ts = tonumber(b[2])
            if tokens == nil or ts == nil then tokens = burst; ts = now end
            tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000000)
            local wait = 0
            if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000000000) end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
            return wait
            """;

    private final RedisClient client;
    private final ClientResources resources;
    private final RedisURI uri;
    private final Duration timeout;
    private final InMemoryStateStore local;
    private final String prefix;
    private final RedisShared shared;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;
    private final AtomicBoolean down = new AtomicBoolean();
    private final LongAdder fallbacks = new LongAdder();

    private RedisStateStore(RedisClient client, ClientResources resources, RedisURI uri, Duration timeout,
                            String prefix) {
        this.client = client;
        this.resources = resources;
        this.uri = uri;
        this.timeout = timeout;
        this.prefix = prefix;
        this.local = new InMemoryStateStore();
        this.shared = new RedisShared(this);
    }

    /** Connects in the background with Lettuce's own threads: until Redis answers, every call is served locally. */
    public static RedisStateStore connect(String uri, Duration timeout) {
        return connect(new StateConfig(uri, timeout), null, null);
    }

    /**
     * Connects in the background: until Redis answers, every call is served locally.
     *
     * @param password Redis's password, overriding one in the URI; null for the URI's
     * @param loops    Weir's event loops for Lettuce's I/O; null for Lettuce's own threads
     */
    public static RedisStateStore connect(StateConfig config, String password, NettyLoops loops) {
        RedisURI uri = RedisURI.create(config.redisUri());
        if (password != null) {
            uri.setPassword(password);
        }
        ClientOptions.Builder options = ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
        config.tls().ifPresent(tls -> {
            uri.setSsl(true);
            uri.setVerifyPeer(tls.verifyPeer() ? SslVerifyMode.FULL : SslVerifyMode.NONE);
            tls.verifyCa().ifPresent(ca -> options.sslOptions(SslOptions.builder().jdkSslProvider()
                    .trustManager(ca.toFile()).build()));
        });
        ClientResources resources = LettuceResources.create(loops);
        RedisClient client = RedisClient.create(resources);
        client.setOptions(options.build());
        RedisStateStore store = new RedisStateStore(client, resources, uri, config.redisTimeout(), "weir:");
        store.connectLater(0);
        return store;
    }

    private void connectLater(long delayMillis) {
        if (closed) {
            return;
        }
        resources.eventExecutorGroup().schedule(() -> {
            try {
                client.connectAsync(StringCodec.UTF8, uri).whenComplete(this::connected);
            } catch (RuntimeException e) {
                connected(null, e);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void connected(StatefulRedisConnection<String, String> c, Throwable error) {
        if (error == null) {
            connection = c;
            log.info("state store: connected to Redis at {}:{}{}", uri.getHost(), uri.getPort(),
                    uri.isSsl() ? " (TLS)" : "");
            if (closed) {
                c.closeAsync();
            }
        } else {
            wentDown(error);
            connectLater(1000);
        }
    }

    @Override
    public CompletionStage<Optional<String>> get(String key) {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            return fallback(() -> local.get(key));
        }
        return shielded(c.async().get(prefix + key).toCompletableFuture().thenApply(Optional::ofNullable),
                () -> local.get(key));
    }

    @Override
    public CompletionStage<Void> put(String key, String value, Duration ttl) {
        local.put(key, value, ttl);
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            return fallback(() -> CompletableFuture.completedFuture(null));
        }
        return shielded(c.async().set(prefix + key, value, SetArgs.Builder.px(ttl.toMillis()))
                .toCompletableFuture().thenApply(ok -> (Void) null), () -> CompletableFuture.completedFuture(null));
    }

    @Override
    public CompletionStage<Long> tryAcquire(String key, double perSecond, int burst) {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            return fallback(() -> local.tryAcquire(key, perSecond, burst));
        }
        CompletableFuture<Long> remote = c.async().<Long>eval(TAKE, ScriptOutputType.INTEGER,
                new String[] {prefix + "rl:" + key}, Double.toString(perSecond), Integer.toString(burst))
                .toCompletableFuture();
        return shielded(remote, () -> local.tryAcquire(key, perSecond, burst));
    }

    @Override
    public Optional<SharedStore> shared() {
        return Optional.of(shared);
    }

    /** Redis's answer within the deadline, else the local one; never an error. */
    private <T> CompletionStage<T> shielded(CompletableFuture<T> remote, Supplier<CompletionStage<T>> local) {
        return remote.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((value, error) -> {
            if (error == null) {
                answered();
                return CompletableFuture.completedFuture(value);
            }
            wentDown(error);
            return fallback(local);
        }).thenCompose(s -> s);
    }

    private <T> CompletionStage<T> fallback(Supplier<CompletionStage<T>> local) {
        fallbacks.increment();
        return local.get();
    }

    // ---- for RedisShared ----------------------------------------------------------------------------

    /** The live connection; null while none was ever made. */
    StatefulRedisConnection<String, String> connection() {
        return connection;
    }

    String prefix() {
        return prefix;
    }

    Duration timeout() {
        return timeout;
    }

    /** A call Redis did not answer: counted, and logged once per outage. */
    void failed(Throwable error) {
        fallbacks.increment();
        wentDown(error);
    }

    /** A call made before the first connection: counted; the connect itself logs when it fails. */
    void notConnected() {
        fallbacks.increment();
    }

    void answered() {
        if (down.compareAndSet(true, false)) {
            log.info("state store: Redis answers again; sharing state with other nodes resumes");
        }
    }

    private void wentDown(Throwable error) {
        if (down.compareAndSet(false, true)) {
            log.warn("state store: Redis unavailable ({}); serving from local state until it is back",
                    describe(error));
        }
    }

    /** The error and, when another, its root cause: a refused password or certificate says so only there. */
    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? error.toString() : error + ", caused by " + root;
    }

    /** Calls answered from local state because Redis was down, slow or not connected. */
    public long fallbacks() {
        return fallbacks.sum();
    }

    /** Whether the last call to Redis failed. */
    public boolean isDown() {
        return down.get() || connection == null;
    }

    /** Whether Lettuce's I/O runs on event loops it was given rather than on its own threads. */
    public boolean onSharedLoops() {
        return LettuceResources.onSharedLoops(resources);
    }

    /** Closes the connection; when Lettuce runs on Weir's event loops, call this before they shut down. */
    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        local.close();
    }
}
