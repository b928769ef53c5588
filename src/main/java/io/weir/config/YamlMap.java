package io.weir.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping with a fixed set of allowed keys. Building it reports unknown and duplicate keys; the getters
 * return typed values (empty when absent or wrong, the wrong ones reported with their position). YAML merge keys
 * ({@code <<: *defaults}) are honoured; keys written in the mapping itself win over merged ones.
 */
final class YamlMap {

    private final MappingNode node;
    private final String what;
    private final YamlReader reader;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private String label;

    private YamlMap(MappingNode node, String what, YamlReader reader) {
        this.node = node;
        this.what = what;
        this.reader = reader;
    }

    /** @param what names the mapping in messages: "unknown key 'x' in {what}" */
    static Optional<YamlMap> of(Node node, String what, List<String> allowed, YamlReader reader) {
        if (!(node instanceof MappingNode)) {
            reader.problems().at(node, what + ": expected a mapping (key: value), got " + YamlReader.describe(node));
            return Optional.empty();
        }
        YamlMap map = new YamlMap((MappingNode) node, what, reader);
        map.collect((MappingNode) node, allowed, true);
        return Optional.of(map);
    }

    private void collect(MappingNode mapping, List<String> allowed, boolean explicit) {
        List<Node> merges = new java.util.ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode)) {
                reader.problems().at(keyNode, "keys in " + what + " must be plain names");
                continue;
            }
            String key = ((ScalarNode) keyNode).getValue();
            if (Tag.MERGE.equals(keyNode.getTag())) {
                merges.add(tuple.getValueNode());
            } else if (entries.containsKey(key)) {
                if (explicit) {
                    reader.problems().at(keyNode, "duplicate key '" + key + "' in " + what);
                }
            } else if (!allowed.contains(key)) {
                reader.problems().at(keyNode, unknownKey(key, allowed));
            } else {
                entries.put(key, tuple);
            }
        }
        for (Node merge : merges) {
            if (merge instanceof MappingNode) {
                collect((MappingNode) merge, allowed, false);
            } else if (merge instanceof SequenceNode
                    && ((SequenceNode) merge).getValue().stream().allMatch(n -> n instanceof MappingNode)) {
                ((SequenceNode) merge).getValue().forEach(n -> collect((MappingNode) n, allowed, false));
            } else {
                reader.problems().at(merge, "<<: expected a mapping or a list of mappings to merge");
            }
        }
    }

    private String unknownKey(String key, List<String> allowed) {
        String message = "unknown key '" + key + "' in " + what + "; expected one of: " + String.join(", ", allowed);
        String best = null;
        int bestDistance = 3;
        for (String candidate : allowed) {
            int d = editDistance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best == null ? message : message + " (did you mean '" + best + "'?)";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Names this mapping in "missing key" messages once its name is known: {@code listener 'web'}. */
    YamlMap label(String label) {
        this.label = label;
        return this;
    }

    String describe() {
        return label != null ? label : what;
    }

    Mark mark() {
        return node.getStartMark();
    }

    Problems problems() {
        return reader.problems();
    }

    YamlReader reader() {
        return reader;
    }

    /** The value node, or empty when the key is absent or its value is YAML null. */
    Optional<Node> get(String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null || YamlReader.isNull(tuple.getValueNode())) {
            return Optional.empty();
        }
        return Optional.of(tuple.getValueNode());
    }

    /** The key's own node, for messages about the key rather than its value. */
    Optional<Node> keyNode(String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getKeyNode);
    }

    boolean has(String key) {
        return get(key).isPresent();
    }

    /** The value node; reports "missing required key" at the mapping when absent. */
    Optional<Node> require(String key) {
        Optional<Node> value = get(key);
        if (value.isEmpty()) {
            reader.problems().at(node, "missing required key '" + key + "' in " + describe());
        }
        return value;
    }

    Optional<String> string(String key) {
        return get(key).flatMap(n -> reader.text(n, key));
    }

    Optional<String> requiredString(String key) {
        return require(key).flatMap(n -> reader.text(n, key));
    }

    /** A string that must not be empty. */
    Optional<String> nonEmptyString(String key) {
        return get(key).flatMap(n -> reader.convert(n, key, YamlMap::nonEmpty));
    }

    Optional<String> requiredNonEmptyString(String key) {
        return require(key).flatMap(n -> reader.convert(n, key, YamlMap::nonEmpty));
    }

    private static String nonEmpty(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return text;
    }

    <T> Optional<T> convert(String key, Function<String, T> parser) {
        return get(key).flatMap(n -> reader.convert(n, key, parser));
    }

    /** A duration greater than zero. */
    Optional<Duration> duration(String key) {
        return convert(key, text -> {
            Duration d = DurationParser.parse(text);
            if (d.isZero()) {
                throw new IllegalArgumentException("must be longer than 0; got '" + text + "'");
            }
            return d;
        });
    }

    Duration duration(String key, Duration dflt) {
        return duration(key).orElse(dflt);
    }

    /** A size in bytes from 0 to {@code max}. */
    Optional<Long> size(String key, long max) {
        return convert(key, text -> {
            long size = SizeParser.parse(text);
            if (size > max) {
                throw new IllegalArgumentException("size '" + text + "' is larger than the most allowed, " + max
                        + " bytes");
            }
            return size;
        });
    }

    Optional<Integer> integer(String key, int min, int max) {
        return get(key).flatMap(n -> reader.integer(n, key, min, max));
    }

    Optional<Boolean> bool(String key) {
        return get(key).flatMap(n -> reader.bool(n, key));
    }

    <E extends Enum<E>> Optional<E> enumValue(String key, Class<E> type) {
        return get(key).flatMap(n -> reader.enumValue(n, key, type));
    }

    Optional<List<Node>> list(String key) {
        return get(key).flatMap(n -> reader.list(n, key));
    }

    Optional<YamlMap> map(String key, String what, List<String> allowed) {
        return get(key).flatMap(n -> reader.map(n, what, allowed));
    }
}
