package io.weir.proxy.http;

import io.weir.cluster.Endpoint;
import io.weir.testing.RawHttp;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Application-cookie affinity on one node, over real sockets: backends that keep sessions in memory (a servlet
 * container's JSESSIONID), every request on a new connection.
 */
class AppCookieStickyTest extends SocketTest {

    private final List<SessionBackend> backends = new ArrayList<>();

    private WeirHarness weir(String sticky, String extra) throws Exception {
        for (String name : List.of("a", "b", "c")) {
            backends.add(track(SessionBackend.start(name)));
        }
        StringBuilder yaml = new StringBuilder("""
                admin: { listen: 127.0.0.1:0 }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    balance: round_robin
                    sticky: %s
                %s
                    endpoints:
                """.formatted(sticky, extra));
        for (SessionBackend b : backends) {
            yaml.append("      - ").append(b.address()).append('\n');
        }
        return track(WeirHarness.start(yaml.toString()));
    }

    static RawHttp.Response get(WeirHarness weir, String path, String session) throws Exception {
        return RawHttp.send(weir.port(), "GET " + path + " HTTP/1.1\r\nHost: t\r\n"
                + (session == null ? "" : "Cookie: theme=dark; JSESSIONID=" + session + "\r\n")
                + "Connection: close\r\n\r\n");
    }

    /** The session a response's Set-Cookie starts. */
    static String session(RawHttp.Response r) {
        String setCookie = r.header("set-cookie");
        assertThat(setCookie).as("Set-Cookie of " + r.body()).startsWith("JSESSIONID=");
        return setCookie.substring("JSESSIONID=".length(), setCookie.indexOf(';'));
    }

    /** Which backend served a response. */
    static String backend(RawHttp.Response r) {
        return r.body().substring(0, r.body().indexOf(' '));
    }

    private SessionBackend named(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    private Endpoint endpoint(WeirHarness weir, SessionBackend b) {
        return weir.weir().clusters().require("app").endpoint(b.address()).orElseThrow();
    }

    static String metrics(WeirHarness weir) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + weir.weir().adminAddress().getPort() + "/metrics");
        return weir.client().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aSessionTheBackendStartsStaysOnItsEndpoint() throws Exception {
        WeirHarness weir = weir("{ mode: app_cookie, cookie: JSESSIONID }", "");
        for (int client = 0; client < 3; client++) {
            RawHttp.Response first = get(weir, "/", null);
            assertThat(first.body()).endsWith(" new");
            // Weir passes the backend's cookie through as it is, and adds none of its own.
            assertThat(first.header("set-cookie")).startsWith("JSESSIONID=" + backend(first) + "-")
                    .endsWith("; Path=/; HttpOnly");
            String session = session(first);
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = get(weir, "/", session);
                assertThat(r.body()).isEqualTo(backend(first) + " " + session);
                assertThat(r.header("set-cookie")).isNull();
            }
        }
        assertThat(metrics(weir)).contains("weir_sticky_learned_total{cluster=\"app\"} 3.0",
                "weir_sticky_sessions{cluster=\"app\"} 3.0", "weir_sticky_repinned_total{cluster=\"app\"} 0.0");
    }

    @Test
    void aSessionTheBackendDeletesIsForgotten() throws Exception {
        WeirHarness weir = weir("{ mode: app_cookie, cookie: JSESSIONID }", "");
        String session = session(get(weir, "/", null));
        assertThat(metrics(weir)).contains("weir_sticky_sessions{cluster=\"app\"} 1.0");
        assertThat(get(weir, "/logout", session).body()).endsWith(" bye");
        assertThat(metrics(weir)).contains("weir_sticky_sessions{cluster=\"app\"} 0.0");
    }

    @Test
    void aSessionIdleLongerThanIdleTimeoutIsForgotten() throws Exception {
        WeirHarness weir = weir("{ mode: app_cookie, cookie: JSESSIONID, idle_timeout: 300ms }", "");
        RawHttp.Response first = get(weir, "/", null);
        String session = session(first);
        // Asked less often than the idle timeout, the session is forgotten between two asks: the request is
        // balanced afresh (round robin: to another backend), which does not know it and starts a new one.
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(700))
                .until(() -> !backend(get(weir, "/", session)).equals(backend(first)));
    }

    @Test
    void anUnhealthyEndpointsSessionsAreRepinnedAndRelearned() throws Exception {
        WeirHarness weir = weir("{ mode: app_cookie, cookie: JSESSIONID }",
                "    health_check: { path: /healthz, interval: 100ms, timeout: 100ms, healthy_threshold: 1, "
                + "unhealthy_threshold: 1, initial_state: healthy }");
        RawHttp.Response first = get(weir, "/", null);
        String session = session(first);
        SessionBackend pinned = named(backend(first));
        pinned.sick.set(true);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !endpoint(weir, pinned).isAvailable());

        RawHttp.Response moved = get(weir, "/", session);
        assertThat(backend(moved)).isNotEqualTo(pinned.name());
        String relearned = session(moved);
        for (int i = 0; i < 5; i++) {
            // The new session, and the old one too, now go where the session moved.
            assertThat(get(weir, "/", relearned).body()).isEqualTo(backend(moved) + " " + relearned);
            assertThat(backend(get(weir, "/", session))).isEqualTo(backend(moved));
        }
        assertThat(metrics(weir)).contains("weir_sticky_repinned_total{cluster=\"app\"} 1.0");
    }

    @Test
    void aStoppedEndpointsSessionsMoveToOneThatAnswers() throws Exception {
        WeirHarness weir = weir("{ mode: app_cookie, cookie: JSESSIONID }", "");
        RawHttp.Response first = get(weir, "/", null);
        String session = session(first);
        named(backend(first)).stop();
        RawHttp.Response moved = get(weir, "/", session);
        assertThat(moved.status()).isEqualTo(200);
        assertThat(backend(moved)).isNotEqualTo(backend(first));
        String relearned = session(moved);
        assertThat(get(weir, "/", relearned).body()).isEqualTo(backend(moved) + " " + relearned);
        assertThat(metrics(weir)).contains("weir_sticky_repinned_total{cluster=\"app\"} 1.0");
    }

    @Test
    void aDrainingEndpointKeepsItsSessionsButGetsNoNewOnes() throws Exception {
        WeirHarness weir = weir("{ mode: app_cookie, cookie: JSESSIONID }", "    drain_timeout: 30s");
        RawHttp.Response first = get(weir, "/", null);
        String session = session(first);
        SessionBackend pinned = named(backend(first));
        weir.weir().drainEndpoint("app", pinned.address());
        for (int i = 0; i < 6; i++) {
            assertThat(get(weir, "/", session).body()).isEqualTo(pinned.name() + " " + session);
            assertThat(backend(get(weir, "/", null))).isNotEqualTo(pinned.name());
        }
    }

    @Test
    void afterTheDrainTimeoutADrainedEndpointsSessionsMove() throws Exception {
        WeirHarness weir = weir("{ mode: app_cookie, cookie: JSESSIONID }", "    drain_timeout: 1ms");
        RawHttp.Response first = get(weir, "/", null);
        String session = session(first);
        weir.weir().drainEndpoint("app", named(backend(first)).address()).get(10, TimeUnit.SECONDS);
        RawHttp.Response moved = get(weir, "/", session);
        assertThat(backend(moved)).isNotEqualTo(backend(first));
        assertThat(moved.body()).endsWith(" new");
    }
}
