package io.weir.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.weir.cli.WeirVersion;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.config.ListenerConfig;
import io.weir.config.RouteConfig;
import io.weir.metrics.ProxyMetrics;
import io.weir.runtime.ReloadResult;
import io.weir.runtime.Weir;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The admin API's answers, independent of the socket that carries them: JSON in and out, errors as
 * JSON with a message. Authorisation happens before a request gets here.
 */
final class AdminApi {

    private static final String JSON = "application/json";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final Weir weir;
    private final ProxyMetrics metrics;
    private final Instant started = Instant.now();
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final AdminResponse dashboard = dashboardPage();

    AdminApi(Weir weir, ProxyMetrics metrics) {
        this.weir = weir;
        this.metrics = metrics;
    }

    /** The live dashboard: one static page on the classpath that polls this API. */
    private static AdminResponse dashboardPage() {
        try (InputStream in = AdminApi.class.getResourceAsStream("/admin/dashboard.html")) {
            return new AdminResponse(200, "text/html; charset=utf-8", in.readAllBytes());
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("dashboard page missing from the classpath", e);
        }
    }

    /** Answers a request; changes that take time (a reload) complete later, off the event loop. */
    CompletableFuture<AdminResponse> handleAsync(String method, String path, String body) {
        if (method.equals("POST") && path.equals("/api/reload")) {
            return weir.reloadAsync().thenApply(this::reloaded);
        }
        if (method.equals("GET") && path.equals("/api/diff")) {
            return CompletableFuture.completedFuture(json(200, diff()));
        }
        CompletableFuture<AdminResponse> write = new EndpointWrites(weir, this).handle(method, path, body);
        if (write != null) {
            return write;
        }
        return CompletableFuture.completedFuture(handle(method, path));
    }

    /** {@code GET /api/diff}: how the running state differs from the file (the admin API's persisted changes). */
    private Map<String, Object> diff() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config_file", String.valueOf(weir.fileConfig().source()));
        m.put("state_file", weir.stateFile() == null ? null : weir.stateFile().toString());
        m.put("clusters", io.weir.runtime.Overlay.diff(weir.fileConfig(), weir.config()));
        return m;
    }

    /** {@code POST /api/reload}: 200 with what changed, or 400 with every error ({@code file:line:col: message}). */
    private AdminResponse reloaded(ReloadResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", result.ok() ? "reloaded" : "refused");
        m.put("config_file", String.valueOf(weir.config().source()));
        if (result.ok()) {
            m.put("changes", result.changes());
        } else {
            m.put("error", "the config was not applied; nothing changed");
            m.put("errors", result.errors());
        }
        return json(result.ok() ? 200 : 400, m);
    }

    AdminResponse handle(String method, String path) {
        if (method.equals("POST")) {
            return change(path);
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return error(405, "method " + method + " is not allowed on " + path);
        }
        return switch (path) {
            case "/", "/dashboard" -> dashboard;
            case "/healthz" -> json(200, Map.of("status", "alive"));
            case "/ready" -> weir.isReady() ? json(200, Map.of("status", "ready"))
                    : json(503, Map.of("status", "starting"));
            case "/metrics" -> AdminResponse.text(200, PROMETHEUS, metrics.scrape());
            case "/api/info" -> json(200, info());
            case "/api/listeners" -> json(200, listeners());
            case "/api/clusters" -> json(200, clusters());
            default -> error(404, "no admin resource " + path
                    + "; see /api/info, /api/listeners, /api/clusters, /metrics, /healthz, /ready");
        };
    }

    private Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", WeirVersion.version());
        m.put("started", started.toString());
        m.put("uptime_seconds", Duration.between(started, Instant.now()).toSeconds());
        m.put("config_file", String.valueOf(weir.config().source()));
        m.put("transport", weir.transportName());
        return m;
    }

    private List<Map<String, Object>> listeners() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ListenerConfig l : weir.config().listeners()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("protocol", l.protocol().name().toLowerCase());
            m.put("listen", String.valueOf(Optional.ofNullable(weir.address(l.name())).orElse(null)));
            m.put("routes", l.routes().stream().map(AdminApi::route).toList());
            l.cluster().ifPresent(c -> m.put("cluster", c));
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> route(RouteConfig r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        r.cluster().ifPresent(c -> m.put("cluster", c));
        if (!r.split().isEmpty()) {
            m.put("split", r.split().stream().map(w -> Map.of("cluster", w.cluster(), "weight", w.weight())).toList());
        }
        r.redirect().ifPresent(x -> m.put("redirect", x.status()));
        r.respond().ifPresent(x -> m.put("respond", x.status()));
        return m;
    }

    private List<Map<String, Object>> clusters() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Cluster c : weir.clusters().all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("balance", c.config().balance().name().toLowerCase());
            m.put("panic", c.panicking());
            c.config().hashOn().ifPresent(h -> m.put("hash_on", h));
            List<Map<String, Object>> endpoints = new ArrayList<>();
            for (Endpoint e : c.endpoints()) {
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("address", e.id());
                em.put("state", e.state().name().toLowerCase());
                em.put("weight", e.weight());
                em.put("outstanding_requests", e.outstanding());
                em.put("connections", e.connections());
                em.put("latency_ewma_ms", e.latency().estimateNanos() / 1e6);
                weir.health().lastTransition(e).ifPresent(t -> em.put("health_check", Map.of(
                        "healthy", t.healthy(), "reason", t.reason(), "since", Instant.ofEpochMilli(t.atMillis()).toString())));
                weir.health().lastEjection(e).ifPresent(j -> em.put("last_ejection", Map.of(
                        "reason", j.reason(), "at", Instant.ofEpochMilli(j.atMillis()).toString(),
                        "duration_seconds", j.duration().toSeconds(), "times_ejected", j.number())));
                endpoints.add(em);
            }
            m.put("endpoints", endpoints);
            out.add(m);
        }
        return out;
    }

    /**
     * {@code POST /api/clusters/NAME/endpoints/HOST:PORT/drain} and {@code …/undrain}. Draining answers at
     * once; the endpoint's in-flight requests finish (or are cut at the cluster's drain_timeout) after.
     */
    private AdminResponse change(String path) {
        String[] parts = path.split("/");
        // "", "api", "clusters", NAME, "endpoints", ADDRESS, ACTION
        if (parts.length != 7 || !parts[1].equals("api") || !parts[2].equals("clusters")
                || !parts[4].equals("endpoints")) {
            return error(404, "no admin action at " + path
                    + "; POST /api/clusters/NAME/endpoints/HOST:PORT/drain or …/undrain");
        }
        String clusterName = parts[3];
        String endpointId = parts[5];
        Optional<Cluster> cluster = weir.clusters().get(clusterName);
        if (cluster.isEmpty()) {
            return error(404, "no cluster " + clusterName);
        }
        Optional<Endpoint> endpoint = cluster.get().endpoint(endpointId);
        if (endpoint.isEmpty()) {
            return error(404, "no endpoint " + endpointId + " in cluster " + clusterName);
        }
        switch (parts[6]) {
            case "drain" -> weir.drainEndpoint(clusterName, endpointId);
            case "undrain" -> weir.undrainEndpoint(clusterName, endpointId);
            default -> {
                return error(404, "unknown action " + parts[6] + "; drain or undrain");
            }
        }
        return json(200, Map.of("cluster", clusterName, "endpoint", endpointId,
                "state", endpoint.get().state().name().toLowerCase()));
    }

    AdminResponse error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    AdminResponse json(int status, Object body) {
        try {
            return new AdminResponse(status, JSON, mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            return AdminResponse.text(500, JSON, "{\"error\":\"cannot encode\"}");
        }
    }
}
