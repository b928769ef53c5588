package io.weir.proxy.http;

import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The configured algorithm is the one that picks, for real requests. */
class BalancingOverSocketsTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private WeirHarness start(String clusterLines, TestBackend... backends) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                """);
        yaml.append(clusterLines.indent(4)).append("    endpoints:\n");
        for (TestBackend b : backends) {
            yaml.append("      - ").append(b.address()).append('\n');
        }
        WeirHarness weir = WeirHarness.start(yaml.toString());
        open.add(weir);
        return weir;
    }

    private TestBackend backend(String name) throws Exception {
        TestBackend b = TestBackend.named(name);
        open.add(b);
        return b;
    }

    @Test
    void maglevOnAHeaderSendsAKeyToOneEndpointAndSpreadsKeys() throws Exception {
        WeirHarness weir = start("balance: maglev\nhash_on: header:x-user\n",
                backend("a"), backend("b"), backend("c"));
        Map<String, Set<String>> endpointsPerUser = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int user = 0; user < 30; user++) {
                String got = weir.send(HttpRequest.newBuilder(weir.uri("/")).header("x-user", "u" + user)).body();
                endpointsPerUser.computeIfAbsent("u" + user, k -> new HashSet<>()).add(got);
            }
        }
        assertThat(endpointsPerUser.values()).allMatch(s -> s.size() == 1);
        Set<String> used = new HashSet<>();
        endpointsPerUser.values().forEach(used::addAll);
        assertThat(used).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void ringHashOnSourceIpKeepsAClientOnOneEndpoint() throws Exception {
        WeirHarness weir = start("balance: ring_hash\nhash_on: source_ip\n", backend("a"), backend("b"), backend("c"));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(weir.get("/").body());
        }
        assertThat(seen).hasSize(1);
    }

    @Test
    void leastConnectionsAvoidsTheEndpointHoldingALongRequest() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        WeirHarness weir = start("balance: least_connections\n", a, b);
        try (RawHttp slow = new RawHttp(weir.port())) {
            // A request whose body never finishes keeps one endpoint busy.
            slow.write("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            org.awaitility.Awaitility.await().until(() -> a.connections() + b.connections() == 1);
            String busy = a.connections() == 1 ? "a" : "b";
            for (int i = 0; i < 10; i++) {
                assertThat(weir.get("/").body()).isNotEqualTo(busy);
            }
        }
    }

    @Test
    void anEndpointAtItsConnectionLimitIsSkipped() throws Exception {
        TestBackend a = backend("a");
        WeirHarness weir = WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints:
                      - { address: "%s", max_connections: 1 }
                """.formatted(a.address()));
        open.add(weir);
        try (RawHttp held = new RawHttp(weir.port())) {
            // A request whose body has not finished holds the endpoint's only slot.
            held.write("POST /held HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
            org.awaitility.Awaitility.await().until(() -> a.connections() == 1);
            assertThat(weir.get("/").statusCode()).isEqualTo(503);
            held.write("cd");
            assertThat(held.readResponse().status()).isEqualTo(200);
        }
        assertThat(weir.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void everyPolicyServesRequests() throws Exception {
        for (String policy : List.of("round_robin", "least_connections", "power_of_two", "least_response_time",
                "random", "ring_hash", "maglev")) {
            TestBackend a = backend("a");
            WeirHarness weir = start("balance: " + policy + "\nslow_start: 1s\n", a);
            assertThat(weir.get("/").body()).as(policy).isEqualTo("a");
        }
    }
}
