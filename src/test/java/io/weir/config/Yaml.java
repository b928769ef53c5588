package io.weir.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Test helpers: load YAML text as {@code weir.yaml}, or get its errors as {@code file:line:col: message}. */
final class Yaml {

    static final Path FILE = Path.of("weir.yaml");

    private Yaml() {
    }

    static WeirConfig load(String yaml) throws ConfigException {
        return load(yaml, Map.of());
    }

    static WeirConfig load(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(yaml, FILE, env);
    }

    static List<String> errors(String yaml) {
        return errors(yaml, Map.of());
    }

    static List<String> errors(String yaml, Map<String, String> env) {
        try {
            ConfigLoader.parse(yaml, FILE, env);
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).collect(Collectors.toList());
        }
        throw new AssertionError("expected the config to be rejected:\n" + yaml);
    }

    /** One listener on 127.0.0.1:8080 whose one route goes to cluster 'api'; {@code routeExtra} is added to the route. */
    static String minimal(String routeExtra) {
        return String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:8080",
                "    routes:",
                "      - cluster: api",
                routeExtra,
                "clusters:",
                "  - name: api",
                "    endpoints: [ 127.0.0.1:9001 ]",
                "");
    }
}
