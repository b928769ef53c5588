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
            "trusted_proxies", "tls", "max_flows", "sni_routes", "accept_proxy_protocol", "trusted_proxy_protocol_sources",
            "preamble_timeout", "http2");
    static final List<String> HTTP2_KEYS = List.of("enabled", "max_concurrent_streams", "initial_window_size",
            "max_resets", "reset_window", "h2c_upgrade");
    static final List<String> SNI_ROUTE_KEYS = List.of("server_names", "cluster");
    /** Keys that only mean something to a tcp listener. */
    private static final List<String> TCP_ONLY = List.of("sni_routes", "accept_proxy_protocol",
            "trusted_proxy_protocol_sources", "preamble_timeout");

    /** Keys that only mean something to an http listener. */
    private static final List<String> HTTP_ONLY = List.of("request_header_timeout", "max_request_line",
            "max_header_size", "tls", "http2");

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
            if (protocol == Protocol.UDP) {
                m.keyNode("max_connections").ifPresent(k -> m.problems().at(k, "'max_connections' applies to http "
                        + "and tcp listeners; a udp listener bounds its flows with 'max_flows'"));
            }
            cluster = m.requiredNonEmptyString("cluster");
            cluster.ifPresent(c -> index.clusterRef(c, m.get("cluster").get().getStartMark(), label));
        }

        Duration requestHeaderTimeout = m.duration("request_header_timeout",
                ListenerConfig.DEFAULT_REQUEST_HEADER_TIMEOUT);
        Duration idleTimeout = m.duration("idle_timeout", protocol == Protocol.UDP
                ? ListenerConfig.DEFAULT_UDP_IDLE_TIMEOUT : ListenerConfig.DEFAULT_IDLE_TIMEOUT);
        if (protocol != Protocol.TCP) {
            for (String key : TCP_ONLY) {
                m.keyNode(key).ifPresent(k -> m.problems().at(k, "'" + key + "' only applies to tcp listeners"));
            }
        }
        List<SniRoute> sniRoutes = protocol == Protocol.TCP ? sniRoutes(m, label) : List.of();
        boolean acceptProxyProtocol = protocol == Protocol.TCP && m.bool("accept_proxy_protocol").orElse(false);
        List<String> proxySources = new ArrayList<>();
        for (Node n : m.list("trusted_proxy_protocol_sources").orElse(List.of())) {
            reader.convert(n, "trusted_proxy_protocol_sources", CidrParser::parse).ifPresent(proxySources::add);
        }
        if (acceptProxyProtocol && !m.has("trusted_proxy_protocol_sources")) {
            m.problems().at(m.keyNode("accept_proxy_protocol").get(), "accept_proxy_protocol needs "
                    + "trusted_proxy_protocol_sources: the CIDR ranges of the proxies allowed to send the header");
        }
        if (!acceptProxyProtocol && protocol == Protocol.TCP) {
            m.keyNode("trusted_proxy_protocol_sources").ifPresent(k -> m.problems().at(k,
                    "trusted_proxy_protocol_sources only applies with accept_proxy_protocol: true"));
        }
        Duration preambleTimeout = m.duration("preamble_timeout", ListenerConfig.DEFAULT_PREAMBLE_TIMEOUT);
        if (protocol != Protocol.UDP) {
            m.keyNode("max_flows").ifPresent(k -> m.problems().at(k, "'max_flows' only applies to udp listeners"));
        }
        int maxFlows = m.integer("max_flows", 1, Integer.MAX_VALUE).orElse(ListenerConfig.DEFAULT_MAX_FLOWS);
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
        Http2Config http2 = protocol == Protocol.HTTP
                ? m.map("http2", "http2", HTTP2_KEYS).map(ListenerBinder::http2).orElse(Http2Config.DEFAULT)
                : Http2Config.DEFAULT;
        return new ListenerConfig(name.orElse(null), protocol, listen.orElse(null), routes, cluster,
                requestHeaderTimeout, idleTimeout, maxRequestLine, maxHeaderSize, maxConnections,
                List.copyOf(trustedProxies), tls, maxFlows, sniRoutes, acceptProxyProtocol, List.copyOf(proxySources),
                preambleTimeout, http2);
    }

    private static Http2Config http2(YamlMap m) {
        Http2Config d = Http2Config.DEFAULT;
        // SETTINGS_INITIAL_WINDOW_SIZE is at most 2^31-1 (RFC 9113 §6.5.2); below 1 KiB a stream crawls.
        int window = m.size("initial_window_size", Integer.MAX_VALUE).map(Long::intValue)
                .orElse(d.initialWindowSize());
        if (window < 1024) {
            m.problems().at(m.get("initial_window_size").get(), "initial_window_size: at least 1KiB, got " + window
                    + " bytes");
        }
        boolean enabled = m.bool("enabled").orElse(d.enabled());
        boolean upgrade = m.bool("h2c_upgrade").orElse(d.h2cUpgrade());
        if (upgrade && !enabled) {
            m.problems().at(m.get("h2c_upgrade").get(), "h2c_upgrade needs http2 enabled: true");
        }
        return new Http2Config(enabled,
                m.integer("max_concurrent_streams", 1, Integer.MAX_VALUE).orElse(d.maxConcurrentStreams()),
                window,
                m.integer("max_resets", 1, Integer.MAX_VALUE).orElse(d.maxResets()),
                m.duration("reset_window", d.resetWindow()),
                upgrade);
    }

    private List<SniRoute> sniRoutes(YamlMap m, String label) {
        List<SniRoute> routes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Node node : m.list("sni_routes").orElse(List.of())) {
            reader.map(node, "sni route", SNI_ROUTE_KEYS).ifPresent(r -> {
                Optional<String> cluster = r.requiredNonEmptyString("cluster");
                cluster.ifPresent(c -> index.clusterRef(c, r.get("cluster").get().getStartMark(),
                        label + " sni_routes"));
                List<String> names = new ArrayList<>();
                Optional<List<Node>> nameNodes = r.require("server_names").flatMap(n -> reader.list(n, "server_names"));
                if (nameNodes.isPresent() && nameNodes.get().isEmpty()) {
                    r.problems().at(r.get("server_names").get(), "server_names: an sni route needs at least one name");
                }
                for (Node n : nameNodes.orElse(List.of())) {
                    reader.convert(n, "server_names", ListenerBinder::serverName).ifPresent(name -> {
                        if (!seen.add(name)) {
                            r.problems().at(n, "server name '" + name + "' is routed twice in " + label);
                        }
                        names.add(name);
                    });
                }
                cluster.ifPresent(c -> routes.add(new SniRoute(List.copyOf(names), c)));
            });
        }
        return List.copyOf(routes);
    }

    /** {@code a.example.com} or {@code *.example.org}, lower-cased. */
    static String serverName(String text) {
        String s = text.strip().toLowerCase(java.util.Locale.ROOT);
        String host = s.startsWith("*.") ? s.substring(2) : s;
        if (!host.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
                || host.length() > 253) {
            throw new IllegalArgumentException("expected a host name like a.example.com or a wildcard like "
                    + "*.example.org; got '" + text + "'");
        }
        return s;
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
