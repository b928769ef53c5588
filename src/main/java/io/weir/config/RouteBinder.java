package io.weir.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Binds one route: its match (through {@link RouteMatchBinder}), exactly one action ({@code cluster},
 * {@code split}, {@code redirect}, {@code respond}) and what it does to the request on the way.
 */
final class RouteBinder {

    static final List<String> KEYS = List.of("name", "match", "cluster", "split", "redirect", "respond",
            "request_headers", "response_headers", "host_rewrite", "prefix_rewrite", "timeout", "max_body",
            "retries", "rate_limit", "compression");
    static final List<String> ACTIONS = List.of("cluster", "split", "redirect", "respond");
    static final List<String> SPLIT_KEYS = List.of("cluster", "weight");
    static final List<String> REDIRECT_KEYS = List.of("status", "scheme", "host", "port", "path", "prefix_rewrite");
    static final List<String> RESPOND_KEYS = List.of("status", "body", "content_type");
    static final List<String> RETRY_KEYS = List.of("attempts", "per_try_timeout", "retry_on",
            "retry_non_idempotent", "backoff");
    static final List<String> BACKOFF_KEYS = List.of("base", "max");
    /** Keys that only mean something when the route forwards upstream. */
    private static final List<String> FORWARD_ONLY = List.of("host_rewrite", "prefix_rewrite", "timeout", "retries",
            "compression");
    private static final Set<Integer> REDIRECT_STATUSES = Set.of(301, 302, 307, 308);
    static final int MAX_SPLIT_WEIGHT = 1_000_000;

    private final YamlReader reader;
    private final SourceIndex index;
    private final RouteMatchBinder matchBinder;
    private final HeadersBinder headersBinder;
    private final RetryBinder retryBinder;

    RouteBinder(YamlReader reader, SourceIndex index) {
        this.reader = reader;
        this.index = index;
        this.matchBinder = new RouteMatchBinder(reader);
        this.headersBinder = new HeadersBinder(reader);
        this.retryBinder = new RetryBinder(reader);
    }

    /** @param names explicit route names seen so far in this listener, to report duplicates */
    Optional<RouteConfig> bind(Node node, String listener, int position, Set<String> names) {
        return reader.map(node, "route", KEYS).map(m -> bind(m, listener, position, names));
    }

    private RouteConfig bind(YamlMap m, String listener, int position, Set<String> names) {
        Optional<String> explicit = m.nonEmptyString("name");
        explicit.ifPresent(n -> {
            if (!names.add(n)) {
                m.problems().at(m.get("name").get(), "duplicate route name '" + n + "' in listener '" + listener + "'");
            }
        });
        String name = explicit.orElse(listener + "#" + position);
        String label = "route '" + name + "'";
        m.label(label);
        RouteMatch match = m.get("match").flatMap(matchBinder::bind).orElse(RouteMatch.ANY);

        List<String> actions = ACTIONS.stream().filter(m::has).collect(Collectors.toList());
        if (actions.isEmpty()) {
            m.problems().at(m.mark(), label + " needs one action: cluster, split, redirect or respond");
        } else if (actions.size() > 1) {
            m.problems().at(m.keyNode(actions.get(1)).get(), label + " has both '" + actions.get(0) + "' and '"
                    + actions.get(1) + "'; a route takes exactly one action");
        }
        boolean forwards = actions.isEmpty() || actions.contains("cluster") || actions.contains("split");
        if (!forwards) {
            for (String key : FORWARD_ONLY) {
                m.keyNode(key).ifPresent(k -> m.problems().at(k, "'" + key + "' only applies to routes that forward "
                        + "(cluster or split), not to " + actions.get(0)));
            }
        }

        Optional<String> cluster = m.nonEmptyString("cluster");
        cluster.ifPresent(c -> index.clusterRef(c, m.get("cluster").get().getStartMark(), label));
        List<RouteConfig.WeightedCluster> split = m.get("split").map(n -> split(n, label)).orElse(List.of());
        Optional<RouteConfig.Redirect> redirect = m.get("redirect").flatMap(n -> redirect(n, match));
        Optional<RouteConfig.DirectResponse> respond = m.get("respond").flatMap(this::respond);

        RouteConfig.HeaderMutation requestHeaders = m.get("request_headers")
                .map(n -> headersBinder.bind(n, "request_headers")).orElse(RouteConfig.HeaderMutation.NONE);
        RouteConfig.HeaderMutation responseHeaders = m.get("response_headers")
                .map(n -> headersBinder.bind(n, "response_headers")).orElse(RouteConfig.HeaderMutation.NONE);
        Optional<String> hostRewrite = m.convert("host_rewrite", RouteMatchBinder::hostName);
        Optional<String> prefixRewrite = m.convert("prefix_rewrite", RouteMatchBinder::path);
        if (prefixRewrite.isPresent() && match.pathPrefix().isEmpty()) {
            m.problems().at(m.keyNode("prefix_rewrite").get(), "prefix_rewrite needs a match with path_prefix");
        }
        Optional<Duration> timeout = m.duration("timeout");
        long maxBody = m.size("max_body", Long.MAX_VALUE).orElse(RouteConfig.DEFAULT_MAX_BODY);
        RouteConfig.RetryPolicy retries = m.map("retries", "retries", RETRY_KEYS).map(retryBinder::bind)
                .orElse(RouteConfig.RetryPolicy.NONE);
        return new RouteConfig(name, match, cluster, split, redirect, respond, requestHeaders, responseHeaders,
                hostRewrite, prefixRewrite, timeout, maxBody, retries, new RateLimitBinder().bind(m),
                new CompressionBinder().bind(m));
    }

    private List<RouteConfig.WeightedCluster> split(Node node, String label) {
        List<Node> items = reader.list(node, "split").orElse(null);
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            reader.problems().at(node, "split: list at least one { cluster, weight }");
            return List.of();
        }
        List<RouteConfig.WeightedCluster> split = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean allWeightsKnown = true;
        for (Node item : items) {
            Optional<YamlMap> entry = reader.map(item, "split", SPLIT_KEYS);
            if (entry.isEmpty()) {
                allWeightsKnown = false;
                continue;
            }
            YamlMap m = entry.get();
            Optional<String> cluster = m.requiredNonEmptyString("cluster");
            Optional<Integer> weight = m.require("weight")
                    .flatMap(n -> reader.integer(n, "weight", 0, MAX_SPLIT_WEIGHT));
            cluster.ifPresent(c -> {
                index.clusterRef(c, m.get("cluster").get().getStartMark(), label);
                if (!seen.add(c)) {
                    m.problems().at(m.get("cluster").get(), "split: cluster '" + c + "' is listed twice");
                }
            });
            allWeightsKnown &= weight.isPresent();
            split.add(new RouteConfig.WeightedCluster(cluster.orElse(null), weight.orElse(0)));
        }
        if (allWeightsKnown && split.stream().allMatch(w -> w.weight() == 0)) {
            reader.problems().at(node, "split: all weights are 0; at least one cluster must get traffic");
        }
        return List.copyOf(split);
    }

    private Optional<RouteConfig.Redirect> redirect(Node node, RouteMatch match) {
        return reader.map(node, "redirect", REDIRECT_KEYS).map(m -> {
            int status = m.get("status").flatMap(n -> reader.convert(n, "status", text -> {
                String s = text.strip();
                if (!s.matches("\\d{3}") || !REDIRECT_STATUSES.contains(Integer.parseInt(s))) {
                    throw new IllegalArgumentException("expected 301, 302, 307 or 308; got '" + text + "'");
                }
                return Integer.parseInt(s);
            })).orElse(RouteConfig.Redirect.DEFAULT_STATUS);
            Optional<String> scheme = m.convert("scheme", text -> {
                if (!text.equals("http") && !text.equals("https")) {
                    throw new IllegalArgumentException("expected http or https; got '" + text + "'");
                }
                return text;
            });
            Optional<String> host = m.convert("host", RouteMatchBinder::hostName);
            Optional<Integer> port = m.integer("port", 1, 65535);
            Optional<String> path = m.convert("path", RouteMatchBinder::path);
            Optional<String> prefixRewrite = m.convert("prefix_rewrite", RouteMatchBinder::path);
            if (path.isPresent() && prefixRewrite.isPresent()) {
                m.problems().at(m.keyNode("prefix_rewrite").get(), "redirect: give path or prefix_rewrite, not both");
            } else if (prefixRewrite.isPresent() && match.pathPrefix().isEmpty()) {
                m.problems().at(m.keyNode("prefix_rewrite").get(),
                        "redirect: prefix_rewrite needs a match with path_prefix");
            }
            if (REDIRECT_KEYS.stream().skip(1).noneMatch(m::has)) {
                m.problems().at(m.mark(), "redirect: set at least one of scheme, host, port, path, prefix_rewrite "
                        + "(otherwise it redirects to itself)");
            }
            return new RouteConfig.Redirect(status, scheme, host, port, path, prefixRewrite);
        });
    }

    private Optional<RouteConfig.DirectResponse> respond(Node node) {
        return reader.map(node, "respond", RESPOND_KEYS).map(m -> {
            int status = m.require("status").flatMap(n -> reader.integer(n, "status", 200, 599)).orElse(200);
            String body = m.string("body").orElse(RouteConfig.DirectResponse.DEFAULT_BODY);
            String contentType = m.nonEmptyString("content_type")
                    .orElse(RouteConfig.DirectResponse.DEFAULT_CONTENT_TYPE);
            if ((status == 204 || status == 304) && !body.isEmpty()) {
                m.problems().at(m.get("body").get(), "respond: a " + status + " response has no body");
            }
            return new RouteConfig.DirectResponse(status, body, contentType);
        });
    }
}
