package io.weir.proxy.http;

import io.weir.config.ConfigLoader;
import io.weir.testing.RawHttp;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Cookie-insert affinity over real sockets: every request on a new connection. */
class StickySessionTest extends SocketTest {

    private final List<TestBackend> backends = new ArrayList<>();

    private WeirHarness weir(String sticky, String drainTimeout) throws Exception {
        for (String name : List.of("a", "b", "c")) {
            backends.add(track(TestBackend.named(name)));
        }
        return track(WeirHarness.start(yaml(sticky, drainTimeout)));
    }

    private String yaml(String sticky, String drainTimeout) {
        StringBuilder yaml = new StringBuilder("""
                admin: { listen: 127.0.0.1:0 }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    drain_timeout: %s
                    sticky: %s
                    endpoints:
                """.formatted(drainTimeout, sticky));
        for (TestBackend b : backends) {
            yaml.append("      - ").append(b.address()).append('\n');
        }
        return yaml.toString();
    }

    private static RawHttp.Response get(WeirHarness weir, String cookie) throws Exception {
        return RawHttp.send(weir.port(), "GET /x HTTP/1.1\r\nHost: t\r\n"
                + (cookie == null ? "" : "Cookie: other=1; " + cookie + "\r\n") + "Connection: close\r\n\r\n");
    }

    /** {@code NAME=value} from a Set-Cookie header. */
    private static String pair(RawHttp.Response r) {
        String setCookie = r.header("set-cookie");
        assertThat(setCookie).isNotNull();
        int semi = setCookie.indexOf(';');
        return semi < 0 ? setCookie : setCookie.substring(0, semi);
    }

    private TestBackend backend(String name) {
        return backends.get(List.of("a", "b", "c").indexOf(name));
    }

    private static String metrics(WeirHarness weir) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + weir.weir().adminAddress().getPort() + "/metrics");
        return weir.client().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aClientStaysOnItsEndpointAcrossNewConnections() throws Exception {
        WeirHarness weir = weir("{ cookie: WEIRID }", "30s");
        for (int client = 0; client < 3; client++) {
            RawHttp.Response first = get(weir, null);
            assertThat(first.status()).isEqualTo(200);
            String cookie = pair(first);
            assertThat(cookie).startsWith("WEIRID=");
            for (TestBackend b : backends) {
                assertThat(cookie).doesNotContain(String.valueOf(b.port()));
            }
            for (int i = 0; i < 15; i++) {
                RawHttp.Response r = get(weir, cookie);
                assertThat(r.body()).isEqualTo(first.body());
                assertThat(r.header("set-cookie")).isNull();
            }
        }
    }

    @Test
    void cookieAttributesAreAsConfigured() throws Exception {
        WeirHarness weir = weir("{ cookie: SRV, path: /app, domain: example.com, max_age: 1h, secure: true, "
                + "same_site: strict }", "30s");
        String setCookie = get(weir, null).header("set-cookie");
        assertThat(setCookie).startsWith("SRV=").contains("Path=/app", "Domain=example.com", "Max-Age=3600",
                "Secure", "HTTPOnly", "SameSite=Strict");
    }

    @Test
    void aSessionCookieByDefaultAndHttpOnlyCanBeTurnedOff() throws Exception {
        WeirHarness weir = weir("{ http_only: false, same_site: lax }", "30s");
        String setCookie = get(weir, null).header("set-cookie");
        assertThat(setCookie).startsWith("WEIRID=").contains("Path=/", "SameSite=Lax")
                .doesNotContain("Max-Age", "Expires", "HTTPOnly", "Secure");
    }

    @Test
    void aTamperedCookieIsIgnoredAndReplaced() throws Exception {
        WeirHarness weir = weir("{ cookie: WEIRID }", "30s");
        String cookie = pair(get(weir, null));
        char last = cookie.charAt(cookie.length() - 1);
        String tampered = cookie.substring(0, cookie.length() - 1) + (last == 'A' ? 'B' : 'A');
        for (String bad : List.of(tampered, "WEIRID=" + backends.get(0).address(), "WEIRID=")) {
            RawHttp.Response r = get(weir, bad);
            assertThat(r.status()).isEqualTo(200);
            String fresh = pair(r);
            assertThat(fresh).isNotEqualTo(bad);
            // The replacement is a real pin: it keeps the client where it was served.
            assertThat(get(weir, fresh).body()).isEqualTo(r.body());
        }
        assertThat(metrics(weir)).contains("weir_sticky_invalid_total{cluster=\"app\"} 2.0");
    }

    @Test
    void theCountersGoOnAcrossAReload() throws Exception {
        WeirHarness weir = weir("{ cookie: WEIRID }", "30s");
        assertThat(get(weir, "WEIRID=forged").status()).isEqualTo(200);
        String cookie = pair(get(weir, null));
        // Another drain_timeout: the cluster, and with it its sticky session, is built anew.
        String yaml = yaml("{ cookie: WEIRID }", "20s");
        assertThat(weir.weir().reload(ConfigLoader.parse(yaml, Path.of("test.yaml"), Map.of())).ok()).isTrue();
        assertThat(get(weir, "WEIRID=forged-again").status()).isEqualTo(200);
        // The cookie issued before the reload still pins.
        RawHttp.Response pinned = get(weir, cookie);
        assertThat(pinned.header("set-cookie")).isNull();
        assertThat(metrics(weir)).contains("weir_sticky_invalid_total{cluster=\"app\"} 2.0");
    }

    @Test
    void aStoppedEndpointsSessionsAreRepinnedAndTheCookieRewritten() throws Exception {
        WeirHarness weir = weir("{ cookie: WEIRID }", "30s");
        RawHttp.Response first = get(weir, null);
        String cookie = pair(first);
        backend(first.body()).close();
        RawHttp.Response moved = get(weir, cookie);
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.body()).isNotEqualTo(first.body());
        String repinned = pair(moved);
        assertThat(repinned).isNotEqualTo(cookie);
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = get(weir, repinned);
            assertThat(r.body()).isEqualTo(moved.body());
            assertThat(r.header("set-cookie")).isNull();
        }
        assertThat(metrics(weir)).contains("weir_sticky_repinned_total{cluster=\"app\"} 1.0");
    }

    @Test
    void aDrainingEndpointKeepsItsSessionsButGetsNoNewOnes() throws Exception {
        WeirHarness weir = weir("{ cookie: WEIRID }", "30s");
        RawHttp.Response first = get(weir, null);
        String cookie = pair(first);
        TestBackend pinned = backend(first.body());
        weir.weir().drainEndpoint("app", pinned.address());
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = get(weir, cookie);
            assertThat(r.body()).isEqualTo(first.body());
            assertThat(r.header("set-cookie")).isNull();
        }
        for (int i = 0; i < 10; i++) {
            RawHttp.Response fresh = get(weir, null);
            assertThat(fresh.body()).isNotEqualTo(first.body());
            assertThat(fresh.header("set-cookie")).isNotNull();
        }
    }

    @Test
    void afterTheDrainTimeoutADrainedEndpointsSessionsMove() throws Exception {
        WeirHarness weir = weir("{ cookie: WEIRID }", "1ms");
        RawHttp.Response first = get(weir, null);
        String cookie = pair(first);
        weir.weir().drainEndpoint("app", backend(first.body()).address()).get(10, TimeUnit.SECONDS);
        RawHttp.Response r = get(weir, cookie);
        assertThat(r.body()).isNotEqualTo(first.body());
        assertThat(pair(r)).isNotEqualTo(cookie);
    }

    @Test
    void anUnhealthyEndpointsSessionsAreRepinned() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean sick = new java.util.concurrent.atomic.AtomicBoolean();
        TestBackend flaky = track(TestBackend.start(r -> r.uri().equals("/healthz") && sick.get()
                ? TestBackend.Reply.of(503, "sick") : TestBackend.Reply.text("flaky")));
        TestBackend steady = track(TestBackend.named("steady"));
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    sticky: { cookie: WEIRID }
                    health_check: { path: /healthz, interval: 100ms, timeout: 100ms, healthy_threshold: 1,
                                    unhealthy_threshold: 1 }
                    endpoints: [ %s, %s ]
                """.formatted(flaky.address(), steady.address())));
        // Until its first check passes, an endpoint serves only through panic mode, and a pin to it is not kept.
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> weir.weir().clusters()
                .require("app").endpoints().stream().allMatch(io.weir.cluster.Endpoint::isAvailable));
        String cookie = null;
        while (cookie == null) {
            RawHttp.Response r = get(weir, null);
            if (r.body().equals("flaky")) {
                cookie = pair(r);
            }
        }
        assertThat(get(weir, cookie).body()).isEqualTo("flaky");
        sick.set(true);
        var endpoint = weir.weir().clusters().require("app").endpoint(flaky.address()).orElseThrow();
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !endpoint.isAvailable());
        RawHttp.Response moved = get(weir, cookie);
        assertThat(moved.body()).isEqualTo("steady");
        String repinned = pair(moved);
        assertThat(get(weir, repinned).body()).isEqualTo("steady");
        assertThat(get(weir, repinned).header("set-cookie")).isNull();
    }
}
