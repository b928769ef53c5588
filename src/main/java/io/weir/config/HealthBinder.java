package io.weir.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Binds a cluster's {@code health_check}, {@code outlier_detection} and {@code panic_threshold}. */
final class HealthBinder {

    static final List<String> CHECK_KEYS = List.of("type", "path", "method", "host", "headers", "expected_statuses",
            "body_contains", "interval", "jitter", "timeout", "healthy_threshold", "unhealthy_threshold",
            "initial_state", "send", "expect", "service");
    /** Keys that only mean something for {@code type: http}. */
    private static final List<String> HTTP_ONLY = List.of("path", "method", "host", "headers", "expected_statuses",
            "body_contains");
    static final List<String> OUTLIER_KEYS = List.of("consecutive_failures", "base_ejection_time",
            "max_ejection_time", "max_ejection_percent", "success_rate");
    static final List<String> SUCCESS_RATE_KEYS = List.of("minimum_hosts", "request_volume", "stdev_factor",
            "interval");

    private final YamlReader reader;
    private final HeadersBinder headers;

    HealthBinder(YamlReader reader) {
        this.reader = reader;
        this.headers = new HeadersBinder(reader);
    }

    HealthConfig bind(YamlMap cluster) {
        Optional<HealthCheckConfig> check = cluster.map("health_check", "health_check", CHECK_KEYS).map(this::check);
        Optional<OutlierDetectionConfig> outlier = cluster.map("outlier_detection", "outlier_detection",
                OUTLIER_KEYS).map(this::outlier);
        int panic = cluster.convert("panic_threshold", HealthBinder::percent)
                .orElse(HealthConfig.DEFAULT_PANIC_THRESHOLD_PERCENT);
        return new HealthConfig(check, outlier, panic);
    }

    /** {@code send} or {@code expect}: sent and compared byte for byte, so every character must be one byte. */
    private static Optional<String> bytes(YamlMap m, String key) {
        Optional<String> value = m.nonEmptyString(key);
        if (value.isPresent() && value.get().chars().anyMatch(c -> c > 0xff)) {
            m.problems().at(m.get(key).get(), "health_check: " + key + " is sent and compared byte for byte, one "
                    + "byte a character: write bytes above 0x7f as \\xNN escapes, not characters beyond \\xff");
        }
        return value;
    }

    private HealthCheckConfig check(YamlMap m) {
        HealthCheckConfig.Type type = m.enumValue("type", HealthCheckConfig.Type.class)
                .orElse(HealthCheckConfig.DEFAULT_TYPE);
        boolean sendsBytes = type == HealthCheckConfig.Type.TCP || type == HealthCheckConfig.Type.UDP;
        if (!sendsBytes) {
            for (String key : List.of("send", "expect")) {
                m.keyNode(key).ifPresent(k -> m.problems().at(k, "health_check: " + key
                        + " only applies to type: tcp and type: udp"));
            }
        } else {
            for (String key : HTTP_ONLY) {
                m.keyNode(key).ifPresent(k -> m.problems().at(k, "health_check: " + key
                        + " only applies to type: http"));
            }
        }
        if (type == HealthCheckConfig.Type.GRPC) {
            for (String key : HTTP_ONLY) {
                if (!key.equals("host") && !key.equals("headers")) {
                    m.keyNode(key).ifPresent(k -> m.problems().at(k, "health_check: " + key
                            + " only applies to type: http (type: grpc asks grpc.health.v1.Health/Check; "
                            + "name the service with service:)"));
                }
            }
        } else {
            m.keyNode("service").ifPresent(k -> m.problems().at(k, "health_check: service only applies to "
                    + "type: grpc"));
        }
        String path = m.convert("path", HealthBinder::path).orElse(HealthCheckConfig.DEFAULT_PATH);
        String method = m.convert("method", HealthBinder::method).orElse(HealthCheckConfig.DEFAULT_METHOD);
        Optional<String> host = m.nonEmptyString("host");
        List<RouteConfig.Header> extra = headers.headers(m, "headers", "health_check");
        List<HealthCheckConfig.StatusRange> statuses = statuses(m);
        Optional<String> body = m.nonEmptyString("body_contains");
        Duration interval = m.duration("interval", HealthCheckConfig.DEFAULT_INTERVAL);
        Duration jitter = m.get("jitter").flatMap(n -> reader.convert(n, "jitter", DurationParser::parse))
                .orElse(interval.multipliedBy(HealthCheckConfig.DEFAULT_JITTER_PERCENT).dividedBy(100));
        if (jitter.compareTo(interval) >= 0) {
            m.problems().at(m.get("jitter").orElse(m.get("interval").orElse(null)),
                    "health_check: jitter must be shorter than interval (" + interval.toMillis() + "ms)");
        }
        // The default timeout shrinks to a short interval, so probes never overlap.
        Duration shortest = interval.compareTo(HealthCheckConfig.DEFAULT_TIMEOUT) < 0 ? interval
                : HealthCheckConfig.DEFAULT_TIMEOUT;
        Duration timeout = m.duration("timeout").orElse(shortest);
        if (timeout.compareTo(interval) > 0) {
            m.problems().at(m.get("timeout").get(), "health_check: timeout must not be longer than interval ("
                    + interval.toMillis() + "ms), or probes would overlap");
        }
        int rise = m.integer("healthy_threshold", 1, 1000).orElse(HealthCheckConfig.DEFAULT_HEALTHY_THRESHOLD);
        int fall = m.integer("unhealthy_threshold", 1, 1000).orElse(HealthCheckConfig.DEFAULT_UNHEALTHY_THRESHOLD);
        HealthCheckConfig.InitialState initial = m.enumValue("initial_state", HealthCheckConfig.InitialState.class)
                .orElse(HealthCheckConfig.DEFAULT_INITIAL_STATE);
        Optional<String> send = bytes(m, "send");
        Optional<String> expect = bytes(m, "expect");
        if (type == HealthCheckConfig.Type.UDP && send.isEmpty()) {
            m.problems().at(m.keyNode("type").orElse(null), "health_check: type: udp needs send: the datagram "
                    + "to send (a udp endpoint answers only what it understands, e.g. a DNS query)");
        }
        Optional<String> service = m.convert("service", HealthBinder::grpcService);
        return new HealthCheckConfig(type, path, method, host, extra, statuses, body, interval, jitter, timeout,
                rise, fall, initial, send, expect, service);
    }

    private List<HealthCheckConfig.StatusRange> statuses(YamlMap m) {
        Optional<List<Node>> nodes = m.list("expected_statuses");
        if (nodes.isEmpty()) {
            return HealthCheckConfig.DEFAULT_EXPECTED_STATUSES;
        }
        if (nodes.get().isEmpty()) {
            m.problems().at(m.get("expected_statuses").get(), "expected_statuses: list at least one status or range");
        }
        List<HealthCheckConfig.StatusRange> ranges = new ArrayList<>();
        for (Node n : nodes.get()) {
            reader.convert(n, "expected_statuses", HealthBinder::statusRange).ifPresent(ranges::add);
        }
        return List.copyOf(ranges);
    }

    private OutlierDetectionConfig outlier(YamlMap m) {
        int consecutive = m.integer("consecutive_failures", 1, 1_000_000)
                .orElse(OutlierDetectionConfig.DEFAULT_CONSECUTIVE_FAILURES);
        Duration base = m.duration("base_ejection_time", OutlierDetectionConfig.DEFAULT_BASE_EJECTION_TIME);
        Duration max = m.duration("max_ejection_time").orElse(
                base.compareTo(OutlierDetectionConfig.DEFAULT_MAX_EJECTION_TIME) > 0
                        ? base : OutlierDetectionConfig.DEFAULT_MAX_EJECTION_TIME);
        if (max.compareTo(base) < 0) {
            m.problems().at(m.get("max_ejection_time").get(), "max_ejection_time must not be shorter than "
                    + "base_ejection_time (" + base.toMillis() + "ms)");
        }
        int percent = m.convert("max_ejection_percent", HealthBinder::percent)
                .orElse(OutlierDetectionConfig.DEFAULT_MAX_EJECTION_PERCENT);
        return new OutlierDetectionConfig(consecutive, base, max, percent, successRate(m));
    }

    /** A mapping, absent (the defaults), or {@code off}. */
    private Optional<OutlierDetectionConfig.SuccessRate> successRate(YamlMap m) {
        Optional<Node> node = m.get("success_rate");
        if (node.isEmpty()) {
            return Optional.of(OutlierDetectionConfig.SuccessRate.DEFAULT);
        }
        if (node.get() instanceof ScalarNode scalar) {
            String v = scalar.getValue().strip();
            if (!v.equals("off") && !v.equals("false")) {
                m.problems().at(scalar, "success_rate: expected a mapping or off; got '" + v + "'");
            }
            return Optional.empty();
        }
        OutlierDetectionConfig.SuccessRate d = OutlierDetectionConfig.SuccessRate.DEFAULT;
        return reader.map(node.get(), "success_rate", SUCCESS_RATE_KEYS).map(s ->
                new OutlierDetectionConfig.SuccessRate(
                        s.integer("minimum_hosts", 1, 100_000).orElse(d.minimumHosts()),
                        s.integer("request_volume", 1, Integer.MAX_VALUE).orElse(d.requestVolume()),
                        s.convert("stdev_factor", HealthBinder::factor).orElse(d.stdevFactor()),
                        s.duration("interval", d.interval())));
    }

    /** {@code 50%} or {@code 50}, from 0 to 100. */
    static int percent(String text) {
        String s = text.strip();
        String digits = s.endsWith("%") ? s.substring(0, s.length() - 1).strip() : s;
        if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > 100) {
            throw new IllegalArgumentException("expected a percentage from 0% to 100%; got '" + text + "'");
        }
        return Integer.parseInt(digits);
    }

    private static double factor(String text) {
        try {
            double v = Double.parseDouble(text.strip());
            if (v >= 0 && !Double.isInfinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a number >= 0 like 1.9; got '" + text + "'");
    }

    private static String path(String text) {
        if (!text.startsWith("/") || text.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("expected a path starting with / and without spaces; got '"
                    + text + "'");
        }
        return text;
    }

    /** A gRPC service name as servers register it, e.g. {@code grpc.health.v1.Health} or {@code shop.Cart}. */
    private static String grpcService(String text) {
        String s = text.strip();
        if (s.isEmpty() || !s.matches("[A-Za-z0-9_.\\-/]+")) {
            throw new IllegalArgumentException("expected a gRPC service name like shop.v1.Cart; got '" + text + "'");
        }
        return s;
    }

    private static String method(String text) {
        String s = text.strip();
        if (!HttpSyntax.isToken(s)) {
            throw new IllegalArgumentException("expected an HTTP method like GET or HEAD; got '" + text + "'");
        }
        return s.toUpperCase(Locale.ROOT);
    }

    /** {@code 200}, {@code 200-399}; statuses from 100 to 599. */
    static HealthCheckConfig.StatusRange statusRange(String text) {
        String s = text.strip();
        int dash = s.indexOf('-');
        String from = dash < 0 ? s : s.substring(0, dash).strip();
        String to = dash < 0 ? s : s.substring(dash + 1).strip();
        if (!from.matches("\\d{3}") || !to.matches("\\d{3}")) {
            throw new IllegalArgumentException("expected a status like 200 or a range like 200-399; got '" + text + "'");
        }
        int a = Integer.parseInt(from);
        int b = Integer.parseInt(to);
        if (a < 100 || b > 599 || a > b) {
            throw new IllegalArgumentException("expected statuses from 100 to 599, low to high; got '" + text + "'");
        }
        return new HealthCheckConfig.StatusRange(a, b);
    }
}
