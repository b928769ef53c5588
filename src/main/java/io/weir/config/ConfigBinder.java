package io.weir.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.yaml.snakeyaml.nodes.Node;

/** Binds the top of the file: {@code admin}, {@code listeners}, {@code clusters}. */
final class ConfigBinder {

    static final List<String> KEYS = List.of("admin", "listeners", "clusters", "access_log", "shutdown_timeout",
            "state", "l4_access_log");
    static final List<String> ACCESS_LOG_KEYS = List.of("path", "format", "queue_size");
    static final List<String> ADMIN_KEYS = List.of("listen", "token_env", "token_file");

    private final YamlReader reader;
    private final SourceIndex index;

    ConfigBinder(YamlReader reader, SourceIndex index) {
        this.reader = reader;
        this.index = index;
    }

    /** @param root null for an empty file */
    WeirConfig bind(Node root, Path file) {
        if (root == null || YamlReader.isNull(root)) {
            reader.problems().at(1, 1, "the config is empty; it needs at least 'listeners'");
            return null;
        }
        Optional<YamlMap> top = reader.map(root, "the top level", KEYS);
        if (top.isEmpty()) {
            return null;
        }
        YamlMap m = top.get();
        Path baseDir = file.toAbsolutePath().getParent() != null ? file.toAbsolutePath().getParent() : Path.of(".");
        Optional<AdminConfig> admin = m.get("admin").flatMap(node -> admin(node, baseDir));
        if (m.keyNode("admin").isPresent() && m.get("admin").isEmpty()) {
            admin = Optional.of(new AdminConfig(AdminConfig.DEFAULT_LISTEN, Optional.empty()));
            index.listen("admin", false, AdminConfig.DEFAULT_LISTEN, m.keyNode("admin").get().getStartMark());
        }
        List<ClusterConfig> clusters = new ArrayList<>();
        ClusterBinder clusterBinder = new ClusterBinder(reader, index, baseDir);
        List<Node> clusterNodes = m.list("clusters").orElse(List.of());
        for (Node node : clusterNodes) {
            clusterBinder.bind(node).ifPresent(clusters::add);
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        ListenerBinder listenerBinder = new ListenerBinder(reader, index, baseDir);
        Optional<List<Node>> listenerNodes = m.require("listeners").flatMap(n -> reader.list(n, "listeners"));
        if (listenerNodes.isPresent() && listenerNodes.get().isEmpty()) {
            reader.problems().at(m.get("listeners").get(), "listeners: at least one listener is needed");
        }
        List<Node> nodes = listenerNodes.orElse(List.of());
        for (int i = 0; i < nodes.size(); i++) {
            listenerBinder.bind(nodes.get(i), i).ifPresent(listeners::add);
        }
        Optional<AccessLogConfig> accessLog = m.get("access_log").flatMap(this::accessLog);
        Optional<AccessLogConfig> l4AccessLog = m.get("l4_access_log").flatMap(this::l4AccessLog);
        return new WeirConfig(file, admin, List.copyOf(listeners), List.copyOf(clusters), accessLog,
                m.duration("shutdown_timeout", WeirConfig.DEFAULT_SHUTDOWN_TIMEOUT),
                new StateBinder(baseDir).bind(m), l4AccessLog);
    }

    private Optional<AccessLogConfig> l4AccessLog(Node node) {
        return reader.map(node, "l4_access_log", ACCESS_LOG_KEYS).map(m -> new AccessLogConfig(
                m.nonEmptyString("path").orElse(AccessLogConfig.STDOUT),
                m.convert("format", AccessLogConfig::checkL4Format).orElse(AccessLogConfig.JSON),
                m.integer("queue_size", 16, 1 << 22).orElse(AccessLogConfig.DEFAULT_QUEUE_SIZE)));
    }

    private Optional<AccessLogConfig> accessLog(Node node) {
        return reader.map(node, "access_log", ACCESS_LOG_KEYS).map(m -> new AccessLogConfig(
                m.nonEmptyString("path").orElse(AccessLogConfig.STDOUT),
                m.convert("format", AccessLogConfig::checkFormat).orElse(AccessLogConfig.JSON),
                m.integer("queue_size", 16, 1 << 22).orElse(AccessLogConfig.DEFAULT_QUEUE_SIZE)));
    }

    private Optional<AdminConfig> admin(Node node, Path baseDir) {
        return reader.map(node, "admin", ADMIN_KEYS).map(m -> {
            HostPort listen = m.convert("listen", AddressParser::parseListen).orElse(AdminConfig.DEFAULT_LISTEN);
            index.listen("admin", false, listen, m.get("listen").orElse(node).getStartMark());
            Optional<String> tokenEnv = m.convert("token_env", ConfigBinder::envName);
            // Read now, so that `weir validate` and a reload refuse a missing or empty file with its position.
            Optional<Path> tokenFile = m.convert("token_file", text -> {
                Path p = baseDir.resolve(text).normalize();
                try {
                    AdminConfig.readTokenFile(p);
                } catch (IllegalStateException e) {
                    throw new IllegalArgumentException(e.getMessage().replace("admin token_file ", ""));
                }
                return p;
            });
            if (m.get("token_env").isPresent() && m.get("token_file").isPresent()) {
                reader.problems().at(m.get("token_file").get(), "token_file: set token_env or token_file, not both");
            }
            return new AdminConfig(listen, tokenEnv, tokenFile);
        });
    }

    private static String envName(String text) {
        if (!text.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("expected the name of an environment variable, like "
                    + "WEIR_ADMIN_TOKEN; got '" + text + "'");
        }
        return text;
    }
}
