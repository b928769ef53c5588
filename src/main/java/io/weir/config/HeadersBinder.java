package io.weir.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/** Binds {@code request_headers} / {@code response_headers}: {@code { set: {…}, add: {…}, remove: […] }}. */
final class HeadersBinder {

    static final List<String> KEYS = List.of("set", "add", "remove");

    /** Headers Weir itself manages; changing them would break framing or routing. */
    private static final Set<String> MANAGED = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "te", "trailer", "proxy-connection");

    private final YamlReader reader;

    HeadersBinder(YamlReader reader) {
        this.reader = reader;
    }

    RouteConfig.HeaderMutation bind(Node node, String what) {
        return reader.map(node, what, KEYS).map(m -> new RouteConfig.HeaderMutation(
                headers(m, "set", what), headers(m, "add", what), remove(m, what)))
                .orElse(RouteConfig.HeaderMutation.NONE);
    }

    List<RouteConfig.Header> headers(YamlMap m, String key, String what) {
        Optional<Node> node = m.get(key);
        if (node.isEmpty()) {
            return List.of();
        }
        if (!(node.get() instanceof MappingNode)) {
            m.problems().at(node.get(), key + ": expected a mapping of header name to value, like { x-env: prod }");
            return List.of();
        }
        List<RouteConfig.Header> headers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (NodeTuple tuple : ((MappingNode) node.get()).getValue()) {
            Optional<String> name = reader.convert(tuple.getKeyNode(), key, text -> checked(text, what));
            Node valueNode = tuple.getValueNode();
            Optional<String> value = YamlReader.isNull(valueNode) ? Optional.of("")
                    : reader.convert(valueNode, key, HeadersBinder::headerValue);
            if (name.isPresent() && !seen.add(name.get().toLowerCase(Locale.ROOT))) {
                m.problems().at(tuple.getKeyNode(), key + ": header '" + name.get() + "' is listed twice");
            }
            if (name.isPresent() && value.isPresent()) {
                headers.add(new RouteConfig.Header(name.get(), value.get()));
            }
        }
        return List.copyOf(headers);
    }

    private List<String> remove(YamlMap m, String what) {
        List<String> names = new ArrayList<>();
        for (Node n : m.list("remove").orElse(List.of())) {
            reader.convert(n, "remove", text -> checked(text, what)).ifPresent(names::add);
        }
        return List.copyOf(names);
    }

    private static String checked(String text, String what) {
        String name = headerName(text);
        String lower = name.toLowerCase(Locale.ROOT);
        if (MANAGED.contains(lower)) {
            throw new IllegalArgumentException("'" + name + "' is managed by Weir and cannot be changed in " + what);
        }
        if (lower.equals("host") && what.equals("request_headers")) {
            throw new IllegalArgumentException("use the route's host_rewrite to change the Host header");
        }
        return name;
    }

    /** An HTTP header name: a token (RFC 9110 §5.1). */
    static String headerName(String text) {
        if (!HttpSyntax.isToken(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a valid header name (letters, digits and "
                    + "!#$%&'*+-.^_`|~ only)");
        }
        return text;
    }

    /**
     * An HTTP field value (RFC 9110 §5.5): visible Latin-1 characters, spaces and tabs. A line break would end the
     * header early, and what follows it would be read as another header (or a body).
     */
    static String headerValue(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (HttpSyntax.isForbiddenControl(c) || c > 0xff) {
                throw new IllegalArgumentException("header value has a character not allowed in a header: U+"
                        + String.format("%04X", (int) c) + " at position " + (i + 1));
            }
        }
        return text;
    }

}
