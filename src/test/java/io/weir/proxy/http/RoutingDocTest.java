package io.weir.proxy.http;

import io.weir.config.ConfigLoader;
import io.weir.config.WeirConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every YAML block in docs/routing.md loads, so the page cannot show a config Weir would refuse. */
class RoutingDocTest {

    private static final Path DOC = Path.of("docs/routing.md");
    private static final String CLUSTERS = """
            clusters:
            """ + String.join("", List.of("a", "b", "api", "special", "web", "sites", "writes", "reads", "canary",
            "stable", "v2", "items", "debug", "beta", "app").stream()
            .map(c -> "  - { name: " + c + ", endpoints: [ 127.0.0.1:9000 ] }\n").toList());

    static List<String> yamlBlocks() throws IOException {
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks).hasSizeGreaterThan(10);
        return blocks;
    }

    @ParameterizedTest
    @MethodSource("yamlBlocks")
    void loads(String block) throws Exception {
        String yaml;
        if (block.startsWith("listeners:")) {
            yaml = block + CLUSTERS;
        } else {
            String routes = block.startsWith("routes:\n") ? block.substring("routes:\n".length()) : block;
            StringBuilder b = new StringBuilder("listeners:\n  - name: web\n    listen: 127.0.0.1:0\n    routes:\n");
            routes.lines().forEach(l -> b.append("      ").append(l).append('\n'));
            yaml = b + CLUSTERS;
        }
        WeirConfig config = ConfigLoader.parse(yaml, DOC, Map.of());
        assertThat(config.listeners().get(0).routes()).isNotEmpty();
    }
}
