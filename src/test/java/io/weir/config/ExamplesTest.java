package io.weir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file in examples/ must validate, so the documentation cannot rot. */
class ExamplesTest {

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().collect(Collectors.toList());
            return yaml.stream();
        }
    }

    @Test
    void theDocumentedExamplesExist() throws IOException {
        assertThat(examples().map(p -> p.getFileName().toString()))
                .contains("basic.yaml", "routing.yaml", "canary.yaml", "limits-and-timeouts.yaml", "health-checks.yaml",
                        "tcp.yaml", "udp.yaml", "sni.yaml", "sticky.yaml", "rate-limit.yaml", "app-cookie.yaml");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void validates(Path file) throws Exception {
        // No environment: examples must work with their ${VAR:-default} defaults.
        WeirConfig config = ConfigLoader.parse(Files.readString(file), file, Map.of());
        assertThat(config.listeners()).isNotEmpty();
    }
}
