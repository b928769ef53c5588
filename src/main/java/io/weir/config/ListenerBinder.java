package io.weir.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;

/** Binds one entry of {@code listeners}; its routes go to {@link RouteBinder}. */
final class ListenerBinder {

    static final List<String> KEYS = List.of("name", "protocol", "listen", "routes", "cluster",
            "request_header_timeout", "idle_timeout", "max_request_line", "max_header_size", "max_connections",
            "trusted_proxies", "tls");

    /** Keys that only mean something to an http listener. */
    private static final List<String> HTTP_ONLY = List.of("request_header_timeout", "max_request_line",
            "max_header_size", "tls");

    private final YamlReader reader;
    private final SourceIndex index;
    private final TlsBinder tlsBinder;

    ListenerBinder(YamlReader reader, SourceIndex index, java.nio.file.Path baseDir) {
        this.reader = reader;
        this.index = index;
        this.tlsBinder = new TlsBinder(reader, baseDir);
    }

    Optional<ListenerConfig> bind(Node node, int position) {
        return reader.map(node, "listener", KEYS).map(m -> bind(m, position));
    }

    private ListenerConfig bind(YamlMap m, int position) {
        Optional<String> name = m.requiredNonEmptyString("name");
        name.ifPresent(n -> {
            m.label("listener '" + n + "'");
            index.listener(n, m.get("name").get().getStartMark());
        });
        String label = m.describe().equals("listener") ? "listeners[" + position + "]" : m.describe();
        Protocol protocol = m.enumValue("protocol", Protocol.class).orElse(ListenerConfig.DEFAULT_PROTOCOL);
        Optional<HostPort> listen = m.require("listen")
                .flatMap(n -> reader.convert(n, "listen", AddressParser::parseListen));
        listen.ifPresent(a -> index.listen(label, protocol == Protocol.UDP, a, m.get("listen").get().getStartMark()));

        List<RouteConfig> routes = List.of();
        Optional<String> cluster = Optional.empty();
        if (protocol == Protocol.HTTP) {
            m.keyNode("cluster").ifPresent(k -> m.problems().at(k, "'cluster' is for tcp and udp listeners; an http "
                    + "listener forwards through its routes, e.g. routes: [ { cluster: NAME } ]"));
            routes = routes(m, name.orElse("listeners[" + position + "]"));
        } else {
            String proto = protocol.name().toLowerCase(java.util.Locale.ROOT);
            m.keyNode("routes").ifPresent(k -> m.problems().at(k, "'routes' are for http listeners; a " + proto
                    + " listener forwards everything to its 'cluster'"));
            for (String key : HTTP_ONLY) {
                m.keyNode(key).ifPresent(k -> m.problems().at(k, "'" + key + "' only applies to http listeners"));
            }
            cluster = m.requiredNonEmptyString("cluster");
            cluster.ifPresent(c -> index.clusterRef(c, m.get("cluster").get().getStartMark(), label));
        }

        Duration requestHeaderTimeout = m.duration("request_header_timeout",
                ListenerConfig.DEFAULT_REQUEST_HEADER_TIMEOUT);
        Duration idleTimeout = m.duration("idle_timeout", ListenerConfig.DEFAULT_IDLE_TIMEOUT);
        int maxRequestLine = m.size("max_request_line", Integer.MAX_VALUE).map(Long::intValue)
                .orElse(ListenerConfig.DEFAULT_MAX_REQUEST_LINE);
        int maxHeaderSize = m.size("max_header_size", Integer.MAX_VALUE).map(Long::intValue)
                .orElse(ListenerConfig.DEFAULT_MAX_HEADER_SIZE);
        int maxConnections = m.integer("max_connections", 0, Integer.MAX_VALUE)
                .orElse(ListenerConfig.DEFAULT_MAX_CONNECTIONS);
        List<String> trustedProxies = new ArrayList<>();
        for (Node n : m.list("trusted_proxies").orElse(List.of())) {
            reader.convert(n, "trusted_proxies", CidrParser::parse).ifPresent(trustedProxies::add);
        }
        Optional<TlsConfig> tls = protocol == Protocol.HTTP ? m.get("tls").flatMap(tlsBinder::bind) : Optional.empty();
        return new ListenerConfig(name.orElse(null), protocol, listen.orElse(null), routes, cluster,
                requestHeaderTimeout, idleTimeout, maxRequestLine, maxHeaderSize, maxConnections,
                List.copyOf(trustedProxies), tls);
    }

    private List<RouteConfig> routes(YamlMap m, String listenerName) {
        Optional<List<Node>> nodes = m.require("routes").flatMap(n -> reader.list(n, "routes"));
        if (nodes.isPresent() && nodes.get().isEmpty()) {
            m.problems().at(m.get("routes").get(), "routes: an http listener needs at least one route");
        }
        RouteBinder binder = new RouteBinder(reader, index);
        Set<String> names = new HashSet<>();
        List<RouteConfig> routes = new ArrayList<>();
        List<Node> list = nodes.orElse(List.of());
        for (int i = 0; i < list.size(); i++) {
            binder.bind(list.get(i), listenerName, i, names).ifPresent(routes::add);
        }
        return List.copyOf(routes);
    }
}
