package io.weir.proxy.http;

import io.weir.testing.RawHttp;
import io.weir.testing.RedisServer;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** Two Weir nodes and a real redis-server: a scope: global limit holds across both, and survives Redis dying. */
class GlobalRateLimitTest extends SocketTest {

    private WeirHarness node(RedisServer redis, TestBackend backend) throws Exception {
        return track(WeirHarness.start("""
                state: { redis: { uri: "%s", timeout: 500ms } }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - name: api
                        cluster: app
                        rate_limit: { rate: 1/m, burst: 3, key: header:x-user, scope: global }
                clusters:
                  - name: app
                    endpoints: [ %s ]
                """.formatted(redis.uri(), backend.address())));
    }

    private static int get(WeirHarness node, String user) throws Exception {
        return RawHttp.send(node.port(), "GET /x HTTP/1.1\r\nHost: t\r\nx-user: " + user
                + "\r\nConnection: close\r\n\r\n").status();
    }

    /** Two requests on each node for a fresh user: whether the 4th was refused, i.e. the bucket is shared. */
    private static boolean shared(WeirHarness a, WeirHarness b, String user) throws Exception {
        int[] statuses = {get(a, user), get(b, user), get(a, user), get(b, user)};
        for (int s : statuses) {
            assertThat(s).isIn(200, 429);
        }
        return statuses[3] == 429;
    }

    @Test
    void aGlobalLimitHoldsAcrossNodesAndARedisOutageFailsNoRequest() throws Exception {
        assumeThat(RedisServer.installed()).as("redis-server installed").isTrue();
        RedisServer redis = track(RedisServer.start());
        TestBackend backend = track(TestBackend.named("app"));
        WeirHarness a = node(redis, backend);
        WeirHarness b = node(redis, backend);
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(
                () -> shared(a, b, "warmup-" + System.nanoTime()));

        assertThat(get(a, "alice")).isEqualTo(200);
        assertThat(get(b, "alice")).isEqualTo(200);
        assertThat(get(a, "alice")).isEqualTo(200);
        assertThat(get(b, "alice")).isEqualTo(429);
        assertThat(get(a, "alice")).isEqualTo(429);
        assertThat(get(b, "bob")).isEqualTo(200);

        redis.kill();
        // Each node falls back to its own buckets: every request is answered, none fails.
        for (int i = 0; i < 3; i++) {
            assertThat(get(a, "carol")).isEqualTo(200);
            assertThat(get(b, "carol")).isEqualTo(200);
        }
        assertThat(get(a, "carol")).isEqualTo(429);

        redis.restart();
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(
                () -> shared(a, b, "after-" + System.nanoTime()));
    }
}
