package io.weir.runtime;

import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.config.ConfigLoader;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Reloading a running Weir: what is kept, what changes, and that nothing fails while it happens. */
class ReloadTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("weir.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private Weir start(String yaml) throws Exception {
        return track(Weir.start(ConfigLoader.load(write(yaml)), 2));
    }

    private ReloadResult reload(Weir weir, String yaml) throws Exception {
        return weir.reload(write(yaml));
    }

    private HttpResponse<String> get(Weir weir, String listener, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + weir.address(listener).getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String config(String listenerExtra, String routes, String clusters) {
        return """
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                %s
                %s
                clusters:
                %s
                """.formatted(routes, listenerExtra, clusters);
    }

    /** Cluster "app" with {@code backend} as its one endpoint. */
    private static String oneEndpoint(TestBackend backend) {
        return """
                  - name: app
                    endpoints: [ { address: %s } ]
                """.formatted(backend.address());
    }

    @Test
    void anInvalidFileChangesNothingAndEveryErrorIsReported() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        String good = config("", "      - cluster: app", """
                  - name: app
                    endpoints: [ { address: %s } ]
                """.formatted(a.address()));
        Weir weir = start(good);
        Cluster before = weir.clusters().require("app");

        ReloadResult result = reload(weir, config("", "      - cluster: nowhere", """
                  - name: app
                    balance: sideways
                    endpoints: [ { address: %s } ]
                """.formatted(a.address())));

        assertThat(result.ok()).isFalse();
        assertThat(result.errors()).hasSize(2).allMatch(e -> e.matches(".*weir\\.yaml:\\d+:\\d+: .*"));
        assertThat(result.errors()).anyMatch(e -> e.contains("nowhere")).anyMatch(e -> e.contains("sideways"));
        assertThat(weir.clusters().require("app")).isSameAs(before);
        assertThat(get(weir, "web", "/").body()).isEqualTo("a");
    }

    @Test
    void unchangedClustersAndEndpointsAreKeptChangedOnesRebuilt() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        TestBackend c = track(TestBackend.named("c"));
        String clusters = """
                  - name: app
                    endpoints: [ { address: %s }, { address: %s, weight: 2 } ]
                  - name: other
                    endpoints: [ { address: %s } ]
                """;
        Weir weir = start(config("", "      - cluster: app", clusters.formatted(a.address(), b.address(), c.address())));
        Cluster other = weir.clusters().require("other");
        Cluster app = weir.clusters().require("app");
        Endpoint ea = app.endpoint(a.address()).orElseThrow();
        Endpoint eb = app.endpoint(b.address()).orElseThrow();
        get(weir, "web", "/");

        ReloadResult result = reload(weir, config("", "      - cluster: app", """
                  - name: app
                    endpoints: [ { address: %s }, { address: %s, weight: 5 }, { address: %s } ]
                  - name: other
                    endpoints: [ { address: %s } ]
                """.formatted(a.address(), b.address(), c.address(), c.address())));

        assertThat(result.ok()).as(result.errors().toString()).isTrue();
        assertThat(weir.clusters().require("other")).isSameAs(other);
        Cluster rebuilt = weir.clusters().require("app");
        assertThat(rebuilt).isNotSameAs(app);
        assertThat(rebuilt.endpoint(a.address()).orElseThrow()).isSameAs(ea);
        assertThat(rebuilt.endpoint(b.address()).orElseThrow()).isNotSameAs(eb);
        assertThat(rebuilt.endpoint(b.address()).orElseThrow().weight()).isEqualTo(5);
        assertThat(ea.outcomes()).isSameAs(rebuilt.endpoint(a.address()).orElseThrow().outcomes());
        // An endpoint new to the running cluster ramps up under slow start; one carried over does not.
        assertThat(rebuilt.endpoint(c.address()).orElseThrow().availableSinceNanos()).isNotEqualTo(Long.MIN_VALUE);
        assertThat(ea.availableSinceNanos()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void listenersAreAddedAndRemoved() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        String clusters = oneEndpoint(a);
        Weir weir = start(config("", "      - cluster: app", clusters));
        int webPort = weir.address("web").getPort();

        String withAdmin = """
                listeners:
                  - name: web2
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                %s
                """.formatted(clusters);
        ReloadResult result = reload(weir, withAdmin);

        assertThat(result.ok()).as(result.errors().toString()).isTrue();
        assertThat(get(weir, "web2", "/").body()).isEqualTo("a");
        assertThat(weir.address("web")).isNull();
        assertThatThrownBy(() -> new Socket("127.0.0.1", webPort).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void aReloadThatCannotBindChangesNothing() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        String cluster = """
                  - name: app
                    endpoints: [ { address: %s } ]
                """;
        Weir weir = start(config("", "      - cluster: app", cluster.formatted(a.address())));
        Cluster app = weir.clusters().require("app");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String next = """
                    listeners:
                      - name: web
                        listen: 127.0.0.1:0
                        routes:
                          - cluster: app
                      - name: more
                        listen: 127.0.0.1:%d
                        routes:
                          - cluster: app
                    clusters:
                    %s
                    """.formatted(taken.getLocalPort(), cluster.formatted(b.address()));
            ReloadResult result = reload(weir, next);
            assertThat(result.ok()).isFalse();
            assertThat(result.errors()).containsExactly("listener more: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": Address already in use");
        }
        assertThat(weir.clusters().require("app")).isSameAs(app);
        assertThat(weir.address("more")).isNull();
        assertThat(get(weir, "web", "/").body()).isEqualTo("a");
    }

    @Test
    void endpointGaugesFollowTheReload() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        String cluster = """
                  - name: app
                    endpoints: [ { address: %s } ]
                """;
        Weir weir = start(config("", "      - cluster: app", cluster.formatted(a.address())));
        assertThat(weir.metrics().scrape()).contains("endpoint=\"" + a.address() + "\"");

        assertThat(reload(weir, config("", "      - cluster: app", cluster.formatted(b.address()))).ok()).isTrue();

        String scrape = weir.metrics().scrape();
        assertThat(scrape).contains("weir_endpoint_healthy{cluster=\"app\",endpoint=\"" + b.address() + "\"}");
        assertThat(scrape).doesNotContain("weir_endpoint_healthy{cluster=\"app\",endpoint=\"" + a.address());
    }

    @Test
    void aTcpListenerGivesNewConnectionsTheRebuiltClusterAndNewSettingsAndKeepsOpenOnes() throws Exception {
        io.weir.testing.TcpBackend a = track(io.weir.testing.TcpBackend.named("a"));
        io.weir.testing.TcpBackend b = track(io.weir.testing.TcpBackend.named("b"));
        String yaml = """
                listeners:
                  - name: db
                    protocol: tcp
                    listen: 127.0.0.1:0
                    cluster: pg
                    idle_timeout: %s
                clusters:
                  - name: pg
                    drain_timeout: 5s
                    endpoints: [ "%s" ]
                """;
        Weir weir = start(yaml.formatted("300s", a.address()));
        int port = weir.address("db").getPort();
        io.weir.testing.TcpClient before = track(io.weir.testing.TcpClient.connect(port));
        assertThat(before.readLine()).isEqualTo("a\n");

        assertThat(reload(weir, yaml.formatted("300s", b.address())).ok()).isTrue();

        assertThat(weir.address("db").getPort()).isEqualTo(port);
        io.weir.testing.TcpClient after = track(io.weir.testing.TcpClient.connect(port));
        assertThat(after.readLine()).isEqualTo("b\n");
        before.send("still here\n");
        assertThat(before.readLine()).isEqualTo("still here\n");

        // A changed setting: port 0 again, so a listener bound anew would have come back on another port.
        assertThat(reload(weir, yaml.formatted("300ms", b.address())).ok()).isTrue();
        assertThat(weir.address("db").getPort()).isEqualTo(port);
        io.weir.testing.TcpClient shortLived = track(io.weir.testing.TcpClient.connect(port));
        assertThat(shortLived.readLine()).isEqualTo("b\n");
        shortLived.socket().setSoTimeout(20_000);
        assertThat(shortLived.readUntilClosed()).as("closed by the new idle timeout").isEmpty();
        // Idle for longer than the new timeout by now, the connections from before keep their own.
        before.send("and here\n");
        assertThat(before.readLine()).isEqualTo("and here\n");
    }

    /**
     * A request routed on the old config just before the swap picks from the old cluster, whose endpoints the
     * reload drains: the old cluster names its successor, where the request goes instead of failing with 503.
     */
    @Test
    void aReplacedClusterLeadsToTheClusterThatReplacedIt() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        String clusters = """
                  - name: app
                    endpoints: [ { address: %s } ]
                """;
        Weir weir = start(config("", "      - cluster: app", clusters.formatted(a.address())));
        Cluster old = weir.clusters().require("app");
        assertThat(reload(weir, config("", "      - cluster: app", clusters.formatted(b.address()))).ok()).isTrue();
        Cluster replacement = weir.clusters().require("app");
        assertThat(replacement).isNotSameAs(old);
        assertThat(old.pick(io.weir.balance.PickContext.NONE)).as("old endpoints are draining").isNull();
        assertThat(old.current()).isSameAs(replacement);
        assertThat(replacement.current()).isSameAs(replacement);
    }

    @Test
    void changedListenerSettingsReachNewConnectionsOnTheSameSocketAndRefuseNone() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        String clusters = oneEndpoint(a);
        String before = config("", "      - cluster: app", clusters);
        String after = config("    max_request_line: 100\n    request_header_timeout: 3s", "      - cluster: app",
                clusters);
        Weir weir = start(before);
        // Port 0: a listener bound again would come back on another port.
        int port = weir.address("web").getPort();
        String longRequest = "GET /" + "x".repeat(200) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        RawHttp old = track(new RawHttp(port));
        old.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(old.readResponse().status()).isEqualTo(200);

        // A new connection for every request, all through the reloads: none may be refused or fail.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> {
            while (!stop.get()) {
                try {
                    int status = RawHttp.send(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status();
                    if (status != 200) {
                        failures.add("status " + status);
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
                sent.incrementAndGet();
            }
        }, "load");
        load.start();
        try {
            for (int round = 0; round < 20; round++) {
                int mark = sent.get();
                ReloadResult result = reload(weir, round % 2 == 0 ? after : before);
                assertThat(result.ok()).isTrue();
                await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() > mark + 5);
            }
        } finally {
            stop.set(true);
            load.join();
        }
        assertThat(failures).isEmpty();
        assertThat(weir.address("web").getPort()).isEqualTo(port);

        // The last reload left `before`; now `after` again: a new connection gets its shorter request line...
        assertThat(reload(weir, after).ok()).isTrue();
        assertThat(RawHttp.send(port, longRequest).status()).isEqualTo(414);
        // ...and the connection opened before any reload keeps the settings it started with.
        old.write(longRequest);
        assertThat(old.readResponse().status()).isEqualTo(200);

        // A cap set on reload counts the connection already open: with max_connections 1, the next one waits.
        assertThat(reload(weir, config("    max_connections: 1", "      - cluster: app", clusters)).ok()).isTrue();
        RawHttp waiting = track(new RawHttp(port));
        waiting.write("GET /waiting HTTP/1.1\r\nHost: x\r\n\r\n");
        waiting.socket().setSoTimeout(500);
        assertThatThrownBy(waiting::readResponse).isInstanceOf(SocketTimeoutException.class);
        old.close();
        waiting.socket().setSoTimeout(20_000);
        assertThat(waiting.readResponse().status()).isEqualTo(200);
    }

    /** The proof: a client sending request after request through reloads sees no failure, and sees the change. */
    @Test
    void reloadUnderLoadFailsNothing() throws Exception {
        TestBackend a = track(TestBackend.named("a"));
        TestBackend b = track(TestBackend.named("b"));
        TestBackend c = track(TestBackend.named("c"));
        TestBackend v2 = track(TestBackend.named("v2"));
        String before = config("", "      - cluster: app", """
                  - name: app
                    drain_timeout: 5s
                    endpoints: [ { address: %s }, { address: %s } ]
                  - name: next
                    endpoints: [ { address: %s } ]
                """.formatted(a.address(), b.address(), v2.address()));
        String after = config("", """
                      - match: { path_prefix: /v2/ }
                        cluster: next
                      - cluster: app
                """, """
                  - name: app
                    drain_timeout: 5s
                    endpoints: [ { address: %s, weight: 3 }, { address: %s } ]
                  - name: next
                    endpoints: [ { address: %s } ]
                """.formatted(b.address(), c.address(), v2.address()));
        Weir weir = start(before);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        ConcurrentHashMap<String, Integer> seen = new ConcurrentHashMap<>();
        Thread load = new Thread(() -> {
            for (int i = 0; i < 20_000 && !stop.get(); i++) {
                try {
                    HttpResponse<String> r = get(weir, "web", "/v2/" + i);
                    if (r.statusCode() != 200) {
                        failures.add(i + ": " + r.statusCode() + " " + r.body());
                    }
                    seen.merge(r.body(), 1, Integer::sum);
                } catch (Exception e) {
                    failures.add(i + ": " + e);
                }
                sent.incrementAndGet();
            }
        }, "load");
        load.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.containsKey("a") && seen.containsKey("b"));
            // 50 reloads alternating two configs that move a route, an endpoint and a weight.
            for (int round = 0; round < 50; round++) {
                int mark = sent.get();
                assertThat(reload(weir, round % 2 == 0 ? after : before).ok()).isTrue();
                await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() > mark + 5);
            }
            assertThat(reload(weir, after).ok()).isTrue();
            // The request in flight during the reload may finish on the old routes, as it should; the next
            // one starts on the new.
            int mark = sent.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() >= mark + 2);
            seen.clear();
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.getOrDefault("v2", 0) > 20);
            assertThat(seen).containsOnlyKeys("v2");
        } finally {
            stop.set(true);
            load.join();
        }
        assertThat(failures).isEmpty();
        assertThat(get(weir, "web", "/").body()).isIn("b", "c");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (int i = 0; i < 10; i++) {
                if (get(weir, "web", "/x").body().equals("c")) {
                    return true;
                }
            }
            return false;
        });
        assertThat(weir.clusters().require("app").endpoint(a.address())).isEmpty();
    }
}
