package io.weir.proxy.http;

import io.weir.cluster.Endpoint;
import io.weir.testing.RawHttp;
import io.weir.testing.RedisServer;
import io.weir.testing.SessionBackend;
import io.weir.testing.SocketTest;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.weir.proxy.http.AppCookieStickyTest.backend;
import static io.weir.proxy.http.AppCookieStickyTest.get;
import static io.weir.proxy.http.AppCookieStickyTest.metrics;
import static io.weir.proxy.http.AppCookieStickyTest.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Weir nodes and a real redis-server: an application session learned on one node continues on the other, a
 * drain set through one node's admin API applies on the other, a Redis outage fails no request, and sharing
 * resumes when Redis is back (also for what a node learned during the outage).
 */
class SharedSessionsTest extends SocketTest {

    private final List<SessionBackend> backends = new ArrayList<>();

    private WeirHarness node(RedisServer redis) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                admin: { listen: 127.0.0.1:0, token_env: PATH }
                state: { redis: { uri: "%s", timeout: 500ms, sync_interval: 200ms } }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    balance: round_robin
                    drain_timeout: 1m
                    sticky: { mode: app_cookie, cookie: JSESSIONID, idle_timeout: 20s }
                    endpoints:
                """.formatted(redis.uri()));
        for (SessionBackend b : backends) {
            yaml.append("      - ").append(b.address()).append('\n');
        }
        return track(WeirHarness.start(yaml.toString()));
    }

    private static long foundShared(WeirHarness node) throws Exception {
        Matcher m = Pattern.compile("weir_sticky_shared_found_total\\{cluster=\"app\"} (\\d+)").matcher(metrics(node));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /**
     * A fresh session started through {@code from}, then used through {@code to}: whether {@code to} sent every
     * request to the backend holding it because it found the session in Redis (not by a lucky pick).
     */
    private static boolean continues(WeirHarness from, WeirHarness to) throws Exception {
        RawHttp.Response first = get(from, "/", null);
        assertThat(first.status()).isEqualTo(200);
        String session = session(first);
        long found = foundShared(to);
        for (int i = 0; i < 5; i++) {
            RawHttp.Response r = get(to, "/", session);
            assertThat(r.status()).isEqualTo(200);
            if (!r.body().equals(backend(first) + " " + session)) {
                return false;
            }
        }
        return foundShared(to) == found + 1;
    }

    private static Endpoint endpoint(WeirHarness node, SessionBackend b) {
        return node.weir().clusters().require("app").endpoint(b.address()).orElseThrow();
    }

    private static int admin(WeirHarness node, SessionBackend b, String action) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + node.weir().adminAddress().getPort() + "/api/clusters/app/endpoints/"
                + b.address() + "/" + action);
        // PATH stands in for the admin token: a test cannot set environment variables, and PATH is always set.
        return node.client().send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + System.getenv("PATH"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void sessionsAndDrainsAreSharedAndARedisOutageFailsNoRequest() throws Exception {
        assumeThat(RedisServer.installed()).as("redis-server installed").isTrue();
        RedisServer redis = track(RedisServer.start());
        for (String name : List.of("x", "y", "z")) {
            backends.add(track(SessionBackend.start(name)));
        }
        WeirHarness a = node(redis);
        WeirHarness b = node(redis);
        // Both nodes connect in the background; once they have, a session started on A continues on B.
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> continues(a, b));
        assertThat(continues(a, b)).isTrue();
        assertThat(continues(b, a)).isTrue();

        // A drain through A's admin API reaches B; so does the undrain through B's.
        SessionBackend y = backends.get(1);
        assertThat(admin(a, y, "drain")).isEqualTo(200);
        await().atMost(10, TimeUnit.SECONDS).until(() -> endpoint(b, y).isDraining());
        for (int i = 0; i < 6; i++) {
            assertThat(backend(get(b, "/", null))).isNotEqualTo("y");
        }
        assertThat(admin(b, y, "undrain")).isEqualTo(200);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !endpoint(a, y).isDraining());

        RawHttp.Response learned = get(a, "/", null);
        String before = session(learned);
        assertThat(get(b, "/", before).body()).isEqualTo(backend(learned) + " " + before);

        redis.kill();
        // Every node serves from what it knows: sessions it has seen stay put, new ones are learned locally, and
        // no request fails.
        RawHttp.Response during = get(a, "/", null);
        assertThat(during.status()).isEqualTo(200);
        String outage = session(during);
        SessionBackend z = backends.get(2);
        weir(a).drainEndpoint("app", z.address());
        for (int i = 0; i < 5; i++) {
            for (WeirHarness node : List.of(a, b)) {
                RawHttp.Response r = get(node, "/", before);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(backend(learned) + " " + before);
                assertThat(get(node, "/", null).status()).isEqualTo(200);
            }
            assertThat(get(a, "/", outage).body()).isEqualTo(backend(during) + " " + outage);
        }
        assertThat(metrics(a)).doesNotContain("weir_state_fallbacks_total 0.0");

        redis.restart();
        // Sharing resumes: new sessions, the drain made on A during the outage, and the session A learned then
        // (put back in Redis the next time A sees it).
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> continues(a, b));
        await().atMost(10, TimeUnit.SECONDS).until(() -> endpoint(b, z).isDraining());
        // B sees the session A learned during the outage before A has put it back: not knowing it, B balances it
        // (elsewhere, z is draining) and pins it there tentatively; A's firm pin wins, and B follows.
        assertThat(get(b, "/", outage).status()).isEqualTo(200);
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertThat(get(a, "/", outage).body()).isEqualTo(backend(during) + " " + outage);
            return get(b, "/", outage).body().equals(backend(during) + " " + outage);
        });
    }

    private static io.weir.runtime.Weir weir(WeirHarness node) {
        return node.weir();
    }
}
