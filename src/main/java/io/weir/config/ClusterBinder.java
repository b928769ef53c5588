package io.weir.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Binds one entry of {@code clusters} and its endpoints. */
final class ClusterBinder {

    static final List<String> KEYS = List.of("name", "balance", "hash_on", "endpoints", "connect_timeout",
            "pool_max_idle", "pool_idle_timeout", "upstream_timeout", "slow_start", "ring_size", "maglev_table_size",
            "hash_balance_factor", "slow_start_aggression", "slow_start_min_weight_percent", "latency_half_life",
            "health_check", "outlier_detection", "panic_threshold", "retry_budget", "drain_timeout",
            "proxy_protocol", "tls", "sticky", "protocol");
    static final List<String> RETRY_BUDGET_KEYS = List.of("percent", "min_per_second");
    static final List<String> ENDPOINT_KEYS = List.of("address", "weight", "max_connections");
    private static final Set<BalancePolicy> HASHING = Set.of(BalancePolicy.RING_HASH, BalancePolicy.MAGLEV);

    private final YamlReader reader;
    private final SourceIndex index;

    private final TlsBinder tlsBinder;

    ClusterBinder(YamlReader reader, SourceIndex index, java.nio.file.Path baseDir) {
        this.tlsBinder = new TlsBinder(reader, baseDir);
        this.reader = reader;
        this.index = index;
    }

    Optional<ClusterConfig> bind(Node node) {
        return reader.map(node, "cluster", KEYS).map(this::bind);
    }

    private ClusterConfig bind(YamlMap m) {
        Optional<String> name = m.requiredNonEmptyString("name");
        name.ifPresent(n -> {
            m.label("cluster '" + n + "'");
            index.cluster(n, m.get("name").get().getStartMark());
        });
        BalancePolicy balance = m.enumValue("balance", BalancePolicy.class).orElse(ClusterConfig.DEFAULT_BALANCE);
        Optional<String> hashOn = m.convert("hash_on", ClusterBinder::hashOn);
        if (m.has("hash_on") && !HASHING.contains(balance)) {
            m.problems().at(m.keyNode("hash_on").get(), "hash_on only applies to balance: ring_hash or maglev; "
                    + m.describe() + " uses " + balance.name().toLowerCase(Locale.ROOT));
        }
        if (hashOn.isEmpty() && HASHING.contains(balance)) {
            hashOn = Optional.of(ClusterConfig.DEFAULT_HASH_ON);
        }
        List<ClusterConfig.EndpointConfig> endpoints = endpoints(m);
        Duration connectTimeout = m.duration("connect_timeout", ClusterConfig.DEFAULT_CONNECT_TIMEOUT);
        int poolMaxIdle = m.integer("pool_max_idle", 0, Integer.MAX_VALUE).orElse(ClusterConfig.DEFAULT_POOL_MAX_IDLE);
        Duration poolIdleTimeout = m.duration("pool_idle_timeout", ClusterConfig.DEFAULT_POOL_IDLE_TIMEOUT);
        Duration upstreamTimeout = m.duration("upstream_timeout", ClusterConfig.DEFAULT_UPSTREAM_TIMEOUT);
        Optional<Duration> slowStart = m.duration("slow_start");
        Optional<ProxyProtocolVersion> proxyProtocol = m.enumValue("proxy_protocol", ProxyProtocolVersion.class);
        ClusterConfig.RetryBudget retryBudget = m.map("retry_budget", "retry_budget", RETRY_BUDGET_KEYS)
                .map(b -> new ClusterConfig.RetryBudget(
                        b.integer("percent", 0, 100).orElse(ClusterConfig.RetryBudget.DEFAULT.percent()),
                        b.integer("min_per_second", 0, 1_000_000)
                                .orElse(ClusterConfig.RetryBudget.DEFAULT.minPerSecond())))
                .orElse(ClusterConfig.RetryBudget.DEFAULT);
        Duration drainTimeout = m.duration("drain_timeout", ClusterConfig.DEFAULT_DRAIN_TIMEOUT);
        UpstreamProtocol protocol = m.enumValue("protocol", UpstreamProtocol.class)
                .orElse(ClusterConfig.DEFAULT_PROTOCOL);
        if (protocol == UpstreamProtocol.H2 && proxyProtocol.isPresent()) {
            // A PROXY header names one client, and an h2 connection carries the streams of many.
            m.problems().at(m.get("protocol").get(), "protocol: h2 cannot be combined with proxy_protocol in "
                    + m.describe() + ": an h2 connection carries many clients' requests");
        }
        return new ClusterConfig(name.orElse(null), balance, hashOn, endpoints, connectTimeout, poolMaxIdle,
                poolIdleTimeout, upstreamTimeout, slowStart, tuning(m, balance), new HealthBinder(reader).bind(m),
                retryBudget, drainTimeout, proxyProtocol, m.get("tls").flatMap(tlsBinder::bindUpstream),
                new StickyBinder().bind(m), protocol);
    }

    private ClusterConfig.BalanceTuning tuning(YamlMap m, BalancePolicy balance) {
        Optional<Integer> ringSize = m.integer("ring_size", 1, 1 << 16);
        Optional<Integer> tableSize = m.integer("maglev_table_size", 101, 1 << 24);
        tableSize.filter(t -> !isPrime(t)).ifPresent(t -> m.problems().at(m.get("maglev_table_size").get(),
                "maglev_table_size must be a prime number, got " + t + " (the default is 65537)"));
        Optional<Double> factor = m.convert("hash_balance_factor", ClusterBinder::positiveNumber);
        factor.filter(f -> f <= 1.0).ifPresent(f -> m.problems().at(m.get("hash_balance_factor").get(),
                "hash_balance_factor must be greater than 1 (e.g. 1.25), got " + f));
        if (factor.isPresent() && !HASHING.contains(balance)) {
            m.problems().at(m.keyNode("hash_balance_factor").get(),
                    "hash_balance_factor only applies to balance: ring_hash or maglev");
        }
        Optional<Double> aggression = m.convert("slow_start_aggression", ClusterBinder::positiveNumber);
        Optional<Double> minPercent = m.convert("slow_start_min_weight_percent", ClusterBinder::positiveNumber);
        minPercent.filter(p -> p > 100).ifPresent(p -> m.problems().at(m.get("slow_start_min_weight_percent").get(),
                "slow_start_min_weight_percent must be at most 100, got " + p));
        return new ClusterConfig.BalanceTuning(ringSize, tableSize, factor.orElse(0.0), aggression, minPercent,
                m.duration("latency_half_life"));
    }

    private static Double positiveNumber(String text) {
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number like 1.25, got '" + text + "'");
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("expected a number greater than 0, got '" + text + "'");
        }
        return v;
    }

    private static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    private List<ClusterConfig.EndpointConfig> endpoints(YamlMap m) {
        Optional<List<Node>> nodes = m.require("endpoints").flatMap(n -> reader.list(n, "endpoints"));
        if (nodes.isPresent() && nodes.get().isEmpty()) {
            m.problems().at(m.get("endpoints").get(), "endpoints: " + m.describe() + " needs at least one endpoint");
        }
        List<ClusterConfig.EndpointConfig> endpoints = new ArrayList<>();
        Set<HostPort> seen = new HashSet<>();
        for (Node node : nodes.orElse(List.of())) {
            Optional<ClusterConfig.EndpointConfig> endpoint = endpoint(node);
            endpoint.ifPresent(e -> {
                if (!seen.add(e.address())) {
                    m.problems().at(node, "endpoint " + e.address() + " is listed twice in " + m.describe());
                }
                endpoints.add(e);
            });
        }
        return List.copyOf(endpoints);
    }

    /** {@code { address: 127.0.0.1:9001, weight: 3 }} or just {@code 127.0.0.1:9001}. */
    private Optional<ClusterConfig.EndpointConfig> endpoint(Node node) {
        if (node instanceof ScalarNode) {
            return reader.convert(node, "endpoints", AddressParser::parseEndpoint)
                    .map(a -> new ClusterConfig.EndpointConfig(a, ClusterConfig.EndpointConfig.DEFAULT_WEIGHT));
        }
        return reader.map(node, "endpoint", ENDPOINT_KEYS).flatMap(e -> {
            Optional<HostPort> address = e.require("address")
                    .flatMap(n -> reader.convert(n, "address", AddressParser::parseEndpoint));
            int weight = e.integer("weight", 0, ClusterConfig.EndpointConfig.MAX_WEIGHT)
                    .orElse(ClusterConfig.EndpointConfig.DEFAULT_WEIGHT);
            int maxConnections = e.integer("max_connections", 0, Integer.MAX_VALUE).orElse(0);
            return address.map(a -> new ClusterConfig.EndpointConfig(a, weight, maxConnections));
        });
    }

    /** {@code source_ip}, {@code path}, {@code header:NAME}, {@code cookie:NAME} or {@code query:NAME}. */
    static String hashOn(String text) {
        String s = text.strip();
        if (s.equals("source_ip") || s.equals("path")) {
            return s;
        }
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon);
        String name = colon < 0 ? "" : s.substring(colon + 1);
        boolean known = kind.equals("header") || kind.equals("cookie") || kind.equals("query");
        if (!known || name.isEmpty() || !HttpSyntax.isToken(name)) {
            throw new IllegalArgumentException("expected source_ip, path, header:NAME, cookie:NAME or query:NAME; got '"
                    + text + "'");
        }
        return s;
    }
}
