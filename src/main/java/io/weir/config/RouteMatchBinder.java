package io.weir.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.nodes.Node;

/** Binds a route's {@code match}: host, one path condition, methods, and header / query / cookie conditions. */
final class RouteMatchBinder {

    static final List<String> KEYS = List.of("host", "path", "path_prefix", "path_regex", "methods", "headers",
            "query", "cookies");
    static final List<String> PATH_KEYS = List.of("path", "path_prefix", "path_regex");
    static final List<String> VALUE_KEYS = List.of("name", "value", "regex", "present");

    private static final Pattern MATCH_HOST = Pattern.compile("(\\*\\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
            + "(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
    private static final Pattern HOST_HEADER = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+");

    private final YamlReader reader;

    RouteMatchBinder(YamlReader reader) {
        this.reader = reader;
    }

    Optional<RouteMatch> bind(Node node) {
        return reader.map(node, "match", KEYS).map(this::bind);
    }

    private RouteMatch bind(YamlMap m) {
        Optional<String> host = m.convert("host", RouteMatchBinder::matchHost);
        List<String> paths = PATH_KEYS.stream().filter(m::has).collect(Collectors.toList());
        if (paths.size() > 1) {
            m.problems().at(m.keyNode(paths.get(1)).get(), "match: give at most one of path, path_prefix, path_regex;"
                    + " found both '" + paths.get(0) + "' and '" + paths.get(1) + "'");
        }
        Optional<String> path = m.convert("path", RouteMatchBinder::path);
        Optional<String> pathPrefix = m.convert("path_prefix", RouteMatchBinder::path);
        Optional<String> pathRegex = m.convert("path_regex", RouteMatchBinder::regex);
        List<String> methods = new ArrayList<>();
        for (Node n : m.list("methods").orElse(List.of())) {
            reader.convert(n, "methods", RouteMatchBinder::method).ifPresent(methods::add);
        }
        return new RouteMatch(host, path, pathPrefix, pathRegex, List.copyOf(methods),
                values(m, "headers", true), values(m, "query", false), values(m, "cookies", false));
    }

    private List<RouteMatch.ValueMatch> values(YamlMap m, String key, boolean headerNames) {
        List<RouteMatch.ValueMatch> matches = new ArrayList<>();
        for (Node n : m.list(key).orElse(List.of())) {
            reader.map(n, key, VALUE_KEYS).ifPresent(v -> {
                Optional<String> name = v.require("name").flatMap(node -> reader.convert(node, "name",
                        headerNames ? HeadersBinder::headerName : RouteMatchBinder::nonBlank));
                List<String> given = VALUE_KEYS.stream().skip(1).filter(v::has).collect(Collectors.toList());
                if (given.size() > 1) {
                    v.problems().at(v.keyNode(given.get(1)).get(), key + ": give at most one of value, regex, present;"
                            + " found both '" + given.get(0) + "' and '" + given.get(1) + "'");
                }
                Optional<String> value = v.string("value");
                Optional<String> regex = v.convert("regex", RouteMatchBinder::regex);
                Optional<Boolean> present = v.bool("present");
                matches.add(new RouteMatch.ValueMatch(name.orElse(null), value, regex, present));
            });
        }
        return List.copyOf(matches);
    }

    /** {@code api.example.com} or {@code *.example.com}, lower-cased; no port. */
    static String matchHost(String text) {
        String host = text.strip().toLowerCase(Locale.ROOT);
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            throw new IllegalArgumentException("write the host without a port (the port is ignored); got '" + text
                    + "'");
        }
        if (!MATCH_HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("expected a host like api.example.com or *.example.com; got '"
                    + text + "'");
        }
        return host;
    }

    /** A host to send or redirect to, optionally with a port: {@code api.internal}, {@code api.internal:8080}. */
    static String hostName(String text) {
        if (!HOST_HEADER.matcher(text).matches()) {
            throw new IllegalArgumentException("expected a host like api.example.com; got '" + text + "'");
        }
        return text;
    }

    static String path(String text) {
        if (!text.startsWith("/") || text.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("expected a path starting with / and without spaces; got '" + text
                    + "'");
        }
        return text;
    }

    static String regex(String text) {
        try {
            Pattern.compile(text);
            return text;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression '" + text + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
    }

    static String method(String text) {
        String method = text.strip().toUpperCase(Locale.ROOT);
        if (!HttpSyntax.isToken(method)) {
            throw new IllegalArgumentException("expected an HTTP method like GET or POST; got '" + text + "'");
        }
        return method;
    }

    static String nonBlank(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return text;
    }
}
