package io.weir.runtime;

import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Request metrics are recorded where they can be read: with an admin listener (its /metrics), not without. */
class RequestMetricsTest extends SocketTest {

    private WeirHarness weir(TestBackend backend, String admin) throws Exception {
        return track(WeirHarness.start("""
                %s
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ %s ]
                """.formatted(admin, backend.address())));
    }

    @Test
    void recordedWithAnAdminListenerOnly() throws Exception {
        TestBackend backend = track(TestBackend.named("a"));
        WeirHarness with = weir(backend, "admin: { listen: 127.0.0.1:0 }");
        WeirHarness without = weir(backend, "");
        assertThat(with.get("/").statusCode()).isEqualTo(200);
        assertThat(without.get("/").statusCode()).isEqualTo(200);
        assertThat(with.weir().metrics().scrape()).contains("weir_requests_total{");
        assertThat(without.weir().metrics().scrape()).doesNotContain("weir_requests_total{");
    }
}
