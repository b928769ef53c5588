package io.weir.config;

import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Binds a route's {@code compression: { min_size, level, content_types }}; {@code compression: {}} takes the defaults. */
final class CompressionBinder {

    static final List<String> KEYS = List.of("min_size", "level", "content_types");

    Optional<CompressionConfig> bind(YamlMap route) {
        return route.map("compression", "compression", KEYS).map(CompressionBinder::compression);
    }

    private static CompressionConfig compression(YamlMap m) {
        long minSize = m.size("min_size", Integer.MAX_VALUE).orElse(CompressionConfig.DEFAULT_MIN_SIZE);
        int level = m.integer("level", 1, 9).orElse(CompressionConfig.DEFAULT_LEVEL);
        List<String> types = CompressionConfig.DEFAULT_CONTENT_TYPES;
        Optional<List<Node>> listed = m.list("content_types");
        if (listed.isPresent()) {
            types = new ArrayList<>();
            for (Node n : listed.get()) {
                m.reader().convert(n, "content_types", CompressionBinder::mediaType).ifPresent(types::add);
            }
            if (listed.get().isEmpty()) {
                m.problems().at(m.get("content_types").get(), "content_types: list at least one media type, "
                        + "like text/html or text/*");
            }
            types = List.copyOf(types);
        }
        return new CompressionConfig(minSize, level, types);
    }

    /** {@code type/subtype} or {@code type/*}, lower-cased; parameters are not part of the match. */
    static String mediaType(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        int slash = s.indexOf('/');
        if (slash <= 0 || slash == s.length() - 1 || !HttpSyntax.isToken(s.substring(0, slash))
                || !(s.endsWith("/*") || HttpSyntax.isToken(s.substring(slash + 1)))) {
            throw new IllegalArgumentException("expected a media type like text/html or text/*; got '" + text + "'");
        }
        return s;
    }
}
