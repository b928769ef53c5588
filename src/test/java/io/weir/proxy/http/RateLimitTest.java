package io.weir.proxy.http;

import io.weir.proxy.http.route.RateLimiter;
import io.weir.testing.RawHttp;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A route's rate limit over real sockets: the burst passes, the next is 429 with Retry-After and never forwarded. */
class RateLimitTest extends SocketTest {

    private TestBackend backend;

    private WeirHarness weir(String rateLimit) throws Exception {
        backend = track(TestBackend.named("app"));
        return track(WeirHarness.start(yaml(rateLimit)));
    }

    private String yaml(String rateLimit) {
        return """
                admin: { listen: 127.0.0.1:0 }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - name: api
                        cluster: app
                        rate_limit: %s
                clusters:
                  - name: app
                    endpoints: [ %s ]
                """.formatted(rateLimit, backend.address());
    }

    private static RawHttp.Response get(WeirHarness weir, String headers) throws Exception {
        return RawHttp.send(weir.port(), "GET /x HTTP/1.1\r\nHost: t\r\n" + headers + "Connection: close\r\n\r\n");
    }

    private static String metrics(WeirHarness weir) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + weir.weir().adminAddress().getPort() + "/metrics");
        return weir.client().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void theBurstPassesThenTooManyRequestsWithRetryAfter() throws Exception {
        WeirHarness weir = weir("{ rate: 1/m, burst: 3 }");
        for (int i = 0; i < 3; i++) {
            assertThat(get(weir, "").status()).isEqualTo(200);
        }
        RawHttp.Response limited = get(weir, "");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Long.parseLong(limited.header("retry-after"))).isBetween(1L, 60L);
        assertThat(backend.received()).hasSize(3);
        // Kept-alive connections get the 429 too and stay usable.
        try (RawHttp c = new RawHttp(weir.port())) {
            c.write("GET /y HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(429);
            c.write("GET /y HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(429);
        }
        assertThat(backend.received()).hasSize(3);
        assertThat(metrics(weir)).contains("weir_rate_limited_total{listener=\"web\",route=\"api\"} 3.0");
    }

    @Test
    void aReloadKeepsAnUnchangedLimitsBucketsAndTheCountGoesOnThroughAChangedOne(@TempDir Path dir)
            throws Exception {
        WeirHarness weir = weir("{ rate: 1/m, burst: 2 }");
        assertThat(get(weir, "").status()).isEqualTo(200);
        assertThat(get(weir, "").status()).isEqualTo(200);
        assertThat(get(weir, "").status()).isEqualTo(429);
        Path file = dir.resolve("weir.yaml");

        // The same limit: the client's bucket is still empty after the reload, not full again.
        Files.writeString(file, yaml("{ rate: 1/m, burst: 2 }"));
        assertThat(weir.weir().reload(file).ok()).isTrue();
        assertThat(get(weir, "").status()).isEqualTo(429);
        assertThat(metrics(weir)).contains("weir_rate_limited_total{listener=\"web\",route=\"api\"} 2.0");

        // A changed limit starts with full buckets, and the route's count of refusals goes on from 2.
        Files.writeString(file, yaml("{ rate: 1/m, burst: 1 }"));
        assertThat(weir.weir().reload(file).ok()).isTrue();
        assertThat(get(weir, "").status()).isEqualTo(200);
        assertThat(get(weir, "").status()).isEqualTo(429);
        assertThat(metrics(weir)).contains("weir_rate_limited_total{listener=\"web\",route=\"api\"} 3.0");
        assertThat(backend.received()).hasSize(3);
    }

    @Test
    void differentKeysHaveTheirOwnBuckets() throws Exception {
        WeirHarness weir = weir("{ rate: 1/m, burst: 2, key: header:x-user }");
        for (String user : new String[] {"alice", "bob"}) {
            assertThat(get(weir, "x-user: " + user + "\r\n").status()).isEqualTo(200);
            assertThat(get(weir, "x-user: " + user + "\r\n").status()).isEqualTo(200);
            assertThat(get(weir, "x-user: " + user + "\r\n").status()).isEqualTo(429);
        }
        // Leaving the header out does not escape the limit: the client's address is the key then.
        assertThat(get(weir, "").status()).isEqualTo(200);
        assertThat(get(weir, "").status()).isEqualTo(200);
        assertThat(get(weir, "").status()).isEqualTo(429);
        assertThat(backend.received()).hasSize(6);
    }

    @Test
    void cookieKeysAndOneBucketForTheWholeRoute() throws Exception {
        WeirHarness weir = weir("{ rate: 1/m, burst: 1, key: cookie:session }");
        assertThat(get(weir, "Cookie: session=1\r\n").status()).isEqualTo(200);
        assertThat(get(weir, "Cookie: session=1\r\n").status()).isEqualTo(429);
        assertThat(get(weir, "Cookie: session=2\r\n").status()).isEqualTo(200);
    }

    @Test
    void aRouteKeyIsSharedByEveryClient() throws Exception {
        WeirHarness weir = weir("{ rate: 1/m, burst: 2, key: route }");
        assertThat(get(weir, "x-user: a\r\n").status()).isEqualTo(200);
        assertThat(get(weir, "x-user: b\r\n").status()).isEqualTo(200);
        assertThat(get(weir, "x-user: c\r\n").status()).isEqualTo(429);
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertThat(RateLimiter.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(RateLimiter.retryAfterSeconds(1_000_000_000L)).isEqualTo(1);
        assertThat(RateLimiter.retryAfterSeconds(1_000_000_001L)).isEqualTo(2);
    }
}
