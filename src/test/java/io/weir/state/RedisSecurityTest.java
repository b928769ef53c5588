package io.weir.state;

import io.weir.config.StateConfig;
import io.weir.runtime.Transport;
import io.weir.testing.RawHttp;
import io.weir.testing.RedisServer;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** Redis with a password and over TLS, a real redis-server each time; Lettuce on event loops it is given. */
class RedisSecurityTest extends SocketTest {

    /** PATH stands in for a secret: a test cannot set environment variables, and PATH is always set. */
    private static final String PASSWORD = System.getenv("PATH");

    private static Path tls(String file) throws URISyntaxException {
        return Path.of(RedisSecurityTest.class.getResource("/tls/" + file).toURI());
    }

    private static <T> T value(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    private EventLoopGroup loops() {
        EventLoopGroup group = Transport.best().newGroup(1, "test-redis");
        track(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        return group;
    }

    /** Closed before the loops it runs on (tracked things close in reverse). */
    private RedisStateStore connect(StateConfig config, String password) {
        Transport t = Transport.best();
        return track(RedisStateStore.connect(config, password, new NettyLoops(loops(), t.socketChannel())));
    }

    @Test
    void aPasswordFromPasswordEnvOpensRedisAndNoneIsRefused() throws Exception {
        assumeThat(RedisServer.installed()).as("redis-server installed").isTrue();
        RedisServer redis = track(RedisServer.withPassword(PASSWORD));
        TestBackend backend = track(TestBackend.named("app"));
        WeirHarness weir = track(WeirHarness.start("""
                state: { redis: { uri: "%s", password_env: PATH, timeout: 500ms } }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - name: api
                        cluster: app
                        rate_limit: { rate: 1/m, burst: 2, key: header:x-user, scope: global }
                clusters:
                  - name: app
                    endpoints: [ %s ]
                """.formatted(redis.uri(), backend.address())));
        RedisStateStore without = connect(new StateConfig(redis.uri(), Duration.ofMillis(500)), null);
        RedisStateStore with = connect(new StateConfig(redis.uri(), Duration.ofMillis(500)), PASSWORD);
        await().atMost(20, TimeUnit.SECONDS).until(() -> !with.isDown());
        value(with.shared().get().put("k", "v", Duration.ofMinutes(1)));
        assertThat(value(with.shared().get().get("k"))).contains("v");
        assertThat(without.isDown()).isTrue();
        assertThatThrownBy(() -> value(without.shared().get().get("k"))).hasRootCauseInstanceOf(
                IllegalStateException.class);
        // Weir itself, with password_env: its global bucket is the one in Redis (a third request is refused there,
        // where a node without Redis would refuse only its own third).
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
            String user = "u" + System.nanoTime();
            for (int i = 0; i < 2; i++) {
                value(with.tryAcquire("api:k:" + user, 1.0 / 60, 2));
            }
            return status(weir, user) == 429;
        });
    }

    private static int status(WeirHarness weir, String user) throws Exception {
        return RawHttp.send(weir.port(), "GET / HTTP/1.1\r\nHost: t\r\nx-user: " + user
                + "\r\nConnection: close\r\n\r\n").status();
    }

    @Test
    void tlsWithTheCaVerifiedAndAnUntrustedServerRefused() throws Exception {
        assumeThat(RedisServer.installed()).as("redis-server installed").isTrue();
        RedisServer redis = track(RedisServer.withTls(tls("a.pem"), tls("a.key"), tls("ca.pem")));
        assertThat(redis.uri()).startsWith("rediss://");
        RedisStateStore trusted = connect(new StateConfig(redis.uri(), Duration.ofMillis(500), Optional.empty(),
                Optional.of(new StateConfig.RedisTls(Optional.of(tls("ca.pem")), true)), Duration.ofSeconds(1)), null);
        RedisStateStore system = connect(new StateConfig(redis.uri(), Duration.ofMillis(500), Optional.empty(),
                Optional.of(new StateConfig.RedisTls(Optional.empty(), true)), Duration.ofSeconds(1)), null);
        await().atMost(20, TimeUnit.SECONDS).until(() -> !trusted.isDown());
        assertThat(trusted.onSharedLoops()).isEqualTo(Transport.best().name().equals("epoll"));
        value(trusted.shared().get().put("k", "over tls", Duration.ofMinutes(1)));
        assertThat(value(trusted.shared().get().get("k"))).contains("over tls");
        // The JDK's CAs do not know the test CA: no connection, and every call answered locally.
        assertThat(system.isDown()).isTrue();
        assertThat(value(system.get("k"))).isEmpty();
    }
}
