package io.weir.proxy.http;

import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class UpstreamPoolTest {

    private static String config(TestBackend backend, String poolSettings) {
        return """
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    %s
                    endpoints: [ "%s" ]
                """.formatted(poolSettings, backend.address());
    }

    @Test
    void idlePooledConnectionsCloseAfterTheIdleTimeout() throws Exception {
        try (TestBackend backend = TestBackend.named("a");
             WeirHarness weir = WeirHarness.start(config(backend, "pool_idle_timeout: 200ms"))) {
            assertThat(weir.get("/").body()).isEqualTo("a");
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.closedConnections() == 1);
            // The next request opens a fresh connection instead of failing on the closed one.
            assertThat(weir.get("/").body()).isEqualTo("a");
            assertThat(backend.connections()).isEqualTo(2);
        }
    }

    @Test
    void keepsAtMostPoolMaxIdleConnections() throws Exception {
        try (TestBackend backend = TestBackend.named("a");
             WeirHarness weir = WeirHarness.start(config(backend, "pool_max_idle: 1"), 1);
             RawHttp c1 = new RawHttp(weir.port()); RawHttp c2 = new RawHttp(weir.port())) {
            // Two requests in flight at once need two upstream connections...
            c1.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n");
            c2.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.connections() == 2);
            c1.write("x");
            c2.write("x");
            assertThat(c1.readResponse().body()).isEqualTo("a");
            assertThat(c2.readResponse().body()).isEqualTo("a");
            // ...but with one event loop, only one may stay idle afterwards.
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.closedConnections() == 1);
            assertThat(weir.get("/").body()).isEqualTo("a");
            assertThat(backend.connections()).isEqualTo(2);
        }
    }
}
