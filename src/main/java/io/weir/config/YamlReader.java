package io.weir.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed access to YAML nodes: every value goes through {@code ${VAR}} substitution first, then through its
 * parser; whatever is wrong is reported to {@link Problems} at the node's position and an empty result returned,
 * so binding goes on and finds the next problem too.
 */
final class YamlReader {

    private final Problems problems;
    private final EnvSubstitutor env;

    YamlReader(Problems problems, EnvSubstitutor env) {
        this.problems = problems;
        this.env = env;
    }

    Problems problems() {
        return problems;
    }

    /** A YAML null ({@code key:}, {@code ~}, {@code null}) counts as absent. */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    static String describe(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    /** The scalar's text after {@code ${VAR}} substitution. */
    Optional<String> text(Node node, String key) {
        if (!(node instanceof ScalarNode)) {
            problems.at(node, key + ": expected a single value, got " + describe(node));
            return Optional.empty();
        }
        ScalarNode scalar = (ScalarNode) node;
        try {
            return Optional.of(env.substitute(scalar.getValue()));
        } catch (EnvSubstitutor.SubstitutionException e) {
            int[] at = positionIn(scalar, e.index());
            problems.at(at[0], at[1], key + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Text run through {@code parser}; its {@link IllegalArgumentException} becomes a problem at the node. */
    <T> Optional<T> convert(Node node, String key, Function<String, T> parser) {
        return text(node, key).flatMap(text -> {
            try {
                return Optional.of(parser.apply(text));
            } catch (IllegalArgumentException e) {
                problems.at(node, key + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    Optional<Integer> integer(Node node, String key, int min, int max) {
        return convert(node, key, text -> {
            String s = text.strip();
            String range = max == Integer.MAX_VALUE ? " >= " + min : " from " + min + " to " + max;
            if (!s.matches("[+-]?\\d{1,18}") || Long.parseLong(s) < min || Long.parseLong(s) > max) {
                throw new IllegalArgumentException("expected an integer" + range + "; got '" + text + "'");
            }
            return (int) Long.parseLong(s);
        });
    }

    Optional<Boolean> bool(Node node, String key) {
        return convert(node, key, text -> {
            switch (text.strip()) {
                case "true": return Boolean.TRUE;
                case "false": return Boolean.FALSE;
                default: throw new IllegalArgumentException("expected true or false; got '" + text + "'");
            }
        });
    }

    /** Enum constants are written in lower case in YAML: {@code round_robin} for {@code ROUND_ROBIN}. */
    <E extends Enum<E>> Optional<E> enumValue(Node node, String key, Class<E> type) {
        return convert(node, key, text -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(text.strip())) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("expected one of " + enumNames(type) + "; got '" + text + "'");
        });
    }

    static String enumNames(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    Optional<List<Node>> list(Node node, String key) {
        if (!(node instanceof SequenceNode)) {
            problems.at(node, key + ": expected a list, got " + describe(node));
            return Optional.empty();
        }
        return Optional.of(((SequenceNode) node).getValue());
    }

    Optional<YamlMap> map(Node node, String what, List<String> allowed) {
        return YamlMap.of(node, what, allowed, this);
    }

    /**
     * Where the character at {@code index} of the scalar's value stands in the file (1-based), exact for plain
     * and simply quoted one-line scalars; otherwise the scalar's start.
     */
    private static int[] positionIn(ScalarNode scalar, int index) {
        Mark start = scalar.getStartMark();
        Mark end = scalar.getEndMark();
        int line = start.getLine() + 1;
        int column = start.getColumn() + 1;
        if (start.getLine() == end.getLine()) {
            ScalarStyle style = scalar.getScalarStyle();
            int width = end.getColumn() - start.getColumn();
            if (style == ScalarStyle.PLAIN && width == scalar.getValue().length()) {
                return new int[] {line, column + index};
            }
            boolean quoted = style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED;
            if (quoted && width == scalar.getValue().length() + 2) {
                return new int[] {line, column + 1 + index};
            }
        }
        return new int[] {line, column};
    }
}
