package io.weir.testing;

import io.weir.config.ConfigException;
import io.weir.config.ConfigLoader;
import io.weir.config.WeirConfig;
import io.weir.runtime.Weir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Starts a real Weir from YAML text on loopback, and a JDK HttpClient to talk to it. */
public final class WeirHarness implements AutoCloseable {

    private final Weir weir;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private WeirHarness(Weir weir) {
        this.weir = weir;
    }

    /** Starts Weir from {@code yaml}; listeners should listen on port 0. Uses two event loops. */
    public static WeirHarness start(String yaml) throws ConfigException, InterruptedException {
        return start(yaml, 2);
    }

    public static WeirHarness start(String yaml, int eventLoops) throws ConfigException, InterruptedException {
        WeirConfig config = ConfigLoader.parse(yaml, Path.of("test.yaml"), Map.of());
        return new WeirHarness(Weir.start(config, eventLoops));
    }

    /** The common case: one http listener "web" whose default route goes to cluster "app". */
    public static WeirHarness forward(String... endpoints) throws ConfigException, InterruptedException {
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints:
                """);
        for (String e : endpoints) {
            yaml.append("      - ").append(e).append('\n');
        }
        return start(yaml.toString());
    }

    public Weir weir() {
        return weir;
    }

    public int port() {
        return port("web");
    }

    public int port(String listener) {
        return weir.address(listener).getPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public HttpClient client() {
        return client;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Starts {@link Weir#shutdownGracefully} on another thread, as SIGTERM does; the future says whether every
     * connection finished within {@code timeout}.
     */
    public CompletableFuture<Boolean> shutdownGracefullyInBackground(Duration timeout) {
        return CompletableFuture.supplyAsync(() -> weir.shutdownGracefully(timeout));
    }

    @Override
    public void close() {
        weir.close();
    }
}
