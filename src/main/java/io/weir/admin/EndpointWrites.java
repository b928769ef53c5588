package io.weir.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weir.cluster.Cluster;
import io.weir.config.ClusterConfig;
import io.weir.runtime.Overlay;
import io.weir.runtime.ReloadResult;
import io.weir.runtime.Weir;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * The admin API's endpoint changes that persist (see {@link Overlay}):
 * <ul>
 *   <li>{@code POST /api/clusters/NAME/endpoints} with {@code {"address": "host:port", "weight": N}} adds one;</li>
 *   <li>{@code DELETE /api/clusters/NAME/endpoints/HOST:PORT} removes one, draining it first;</li>
 *   <li>{@code POST /api/clusters/NAME/endpoints/HOST:PORT/weight} with {@code {"weight": N}} sets a weight;</li>
 *   <li>{@code POST /api/clusters/NAME/endpoints/HOST:PORT/drain} and {@code …/undrain} drain and undrain one.</li>
 * </ul>
 */
final class EndpointWrites {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Weir weir;
    private final AdminApi api;

    EndpointWrites(Weir weir, AdminApi api) {
        this.weir = weir;
        this.api = api;
    }

    /** The answer, or null when the request is none of these. */
    CompletableFuture<AdminResponse> handle(String method, String path, String body) {
        String[] p = path.split("/");
        // "", "api", "clusters", NAME, "endpoints" [, ADDRESS [, "weight"]]
        if (p.length < 5 || !p[1].equals("api") || !p[2].equals("clusters") || !p[4].equals("endpoints")) {
            return null;
        }
        String cluster = p[3];
        try {
            if (method.equals("POST") && p.length == 5) {
                JsonNode json = parse(body);
                String address = Overlay.normalize(text(json, "address"));
                int weight = json.has("weight") ? weight(json) : ClusterConfig.EndpointConfig.DEFAULT_WEIGHT;
                Cluster c = cluster(cluster);
                if (c.endpoint(address).isPresent()) {
                    return done(api.error(409, "endpoint " + address + " is already in cluster " + cluster
                            + "; set its weight with POST …/endpoints/" + address + "/weight"));
                }
                return apply(201, cluster, address, o -> o.withWeight(cluster, address, weight));
            }
            if (method.equals("DELETE") && p.length == 6) {
                String address = Overlay.normalize(p[5]);
                existing(cluster, address);
                if (cluster(cluster).endpoints().size() == 1) {
                    return done(api.error(409, "endpoint " + address + " is the last of cluster " + cluster
                            + "; a cluster needs at least one endpoint (set its weight to 0 to stop its traffic)"));
                }
                boolean inFile = inFile(cluster, address);
                return apply(200, cluster, address, o -> o.without(cluster, address, inFile));
            }
            if (method.equals("POST") && p.length == 7 && (p[6].equals("drain") || p[6].equals("undrain"))) {
                String address = Overlay.normalize(p[5]);
                existing(cluster, address);
                boolean drain = p[6].equals("drain");
                return weir.setDrained(cluster, address, drain).thenApply(r -> answer(200, cluster, address, r));
            }
            if (method.equals("POST") && p.length == 7 && p[6].equals("weight")) {
                String address = Overlay.normalize(p[5]);
                existing(cluster, address);
                int weight = weight(parse(body));
                return apply(200, cluster, address, o -> o.withWeight(cluster, address, weight));
            }
        } catch (NotFound e) {
            return done(api.error(404, e.getMessage()));
        } catch (IllegalArgumentException e) {
            return done(api.error(400, e.getMessage()));
        }
        return null;
    }

    private CompletableFuture<AdminResponse> apply(int status, String cluster, String address,
                                                   UnaryOperator<Overlay> change) {
        return weir.edit(change).thenApply(result -> answer(status, cluster, address, result));
    }

    private AdminResponse answer(int status, String cluster, String address, ReloadResult result) {
        if (!result.ok()) {
            return api.json(400, Map.of("error", "the change was not applied", "errors", result.errors()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cluster", cluster);
        m.put("endpoint", address);
        weir.clusters().get(cluster).flatMap(c -> c.endpoint(address)).ifPresentOrElse(e -> {
            m.put("weight", e.weight());
            m.put("state", e.state().name().toLowerCase());
        }, () -> m.put("state", "removed (draining)"));
        m.put("changes", result.changes());
        m.put("saved_to", weir.stateFile() == null ? null : weir.stateFile().toString());
        return api.json(status, m);
    }

    private Cluster cluster(String name) {
        return weir.clusters().get(name).orElseThrow(() -> new NotFound("no cluster " + name));
    }

    private void existing(String cluster, String address) {
        if (cluster(cluster).endpoint(address).isEmpty()) {
            throw new NotFound("no endpoint " + address + " in cluster " + cluster);
        }
    }

    private boolean inFile(String cluster, String address) {
        Optional<ClusterConfig> c = weir.fileConfig().clusters().stream().filter(x -> x.name().equals(cluster))
                .findFirst();
        return c.isPresent() && c.get().endpoints().stream().anyMatch(e -> e.address().toString().equals(address));
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode json = MAPPER.readTree(body == null || body.isBlank() ? "{}" : body);
            if (!json.isObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            return json;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" (a string like \"10.0.0.7:8080\") is required");
        }
        return v.asText();
    }

    private static int weight(JsonNode json) {
        JsonNode v = json.get("weight");
        int max = ClusterConfig.EndpointConfig.MAX_WEIGHT;
        if (v == null || !v.isInt() || v.asInt() < 0 || v.asInt() > max) {
            throw new IllegalArgumentException("\"weight\" must be a whole number from 0 to " + max);
        }
        return v.asInt();
    }

    private static CompletableFuture<AdminResponse> done(AdminResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    private static final class NotFound extends IllegalArgumentException {
        NotFound(String message) {
            super(message);
        }
    }
}
