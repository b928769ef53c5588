package io.weir.health;

import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointState;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** A Weir in front of real backends, with helpers to read endpoint states and count what backends got. */
abstract class HealthTestBase {

    static final String HEALTH_PATH = "/healthz";
    private final List<AutoCloseable> open = new ArrayList<>();
    WeirHarness weir;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    /** Starts Weir with one cluster "app" over {@code addresses}; {@code clusterYaml} adds cluster keys. */
    WeirHarness start(String clusterYaml, String... addresses) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                """);
        yaml.append(clusterYaml.indent(4)).append("    endpoints:\n");
        for (String a : addresses) {
            yaml.append("      - ").append(a).append('\n');
        }
        weir = track(WeirHarness.start(yaml.toString()));
        return weir;
    }

    Endpoint endpoint(String address) {
        return weir.weir().clusters().require("app").endpoints().stream()
                .filter(e -> e.id().equals(address)).findFirst().orElseThrow();
    }

    void awaitState(String address, EndpointState state) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> endpoint(address).state() == state);
    }

    /**
     * Waits until the endpoint's last active-check transition says {@code reason} and has been applied to the
     * endpoint: the checker records a transition first and applies it after, so the reason alone can be seen a
     * moment before the endpoint's state changes.
     */
    void awaitReason(String address, String reason) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
            Endpoint endpoint = endpoint(address);
            HealthTransition last = weir.weir().health().lastTransition(endpoint).orElseThrow();
            return last.reason().contains(reason) && endpoint.passingChecks() == last.healthy();
        });
    }

    /** Requests the backend got from the proxy, not counting health checks. */
    static long traffic(TestBackend b) {
        return b.received().stream().filter(r -> !r.uri().equals(HEALTH_PATH)).count();
    }

    static long checks(TestBackend b) {
        return b.received().stream().filter(r -> r.uri().equals(HEALTH_PATH)).count();
    }


    void send(int requests) throws Exception {
        for (int i = 0; i < requests; i++) {
            weir.get("/work");
        }
    }
}
