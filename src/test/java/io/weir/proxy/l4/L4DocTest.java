package io.weir.proxy.l4;

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

/** Every YAML block in docs/l4.md loads, so the page cannot show a config Weir would refuse. */
class L4DocTest {

    private static final Path DOC = Path.of("docs/l4.md");

    static List<String> yamlBlocks() throws IOException {
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(5);
        return blocks;
    }

    @ParameterizedTest
    @MethodSource("yamlBlocks")
    void loads(String block) throws Exception {
        WeirConfig config = ConfigLoader.parse(block, DOC, Map.of());
        assertThat(config.listeners()).isNotEmpty();
    }
}
