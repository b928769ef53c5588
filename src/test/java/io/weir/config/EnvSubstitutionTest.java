package io.weir.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {

    private final EnvSubstitutor env = new EnvSubstitutor(Map.of("PORT", "8080", "EMPTY", "", "HOST", "10.0.0.1"));

    @Test
    void replacesVariablesDefaultsAndEscapes() {
        assertThat(env.substitute("127.0.0.1:${PORT}")).isEqualTo("127.0.0.1:8080");
        assertThat(env.substitute("${HOST}:${PORT}")).isEqualTo("10.0.0.1:8080");
        assertThat(env.substitute("${MISSING:-9000}")).isEqualTo("9000");
        assertThat(env.substitute("${EMPTY:-fallback}")).isEqualTo("fallback");
        assertThat(env.substitute("${EMPTY}")).isEmpty();
        assertThat(env.substitute("${MISSING:-}")).isEmpty();
        assertThat(env.substitute("price: $$5 and $HOME and $")).isEqualTo("price: $5 and $HOME and $");
        assertThat(env.substitute("$${PORT}")).isEqualTo("${PORT}");
        assertThat(env.substitute("no dollars")).isEqualTo("no dollars");
    }

    @Test
    void substitutedTextIsNotScannedAgain() {
        EnvSubstitutor e = new EnvSubstitutor(Map.of("A", "${B}", "B", "b"));
        assertThat(e.substitute("${A}")).isEqualTo("${B}");
    }

    @Test
    void problemsCarryTheOffsetOfTheDollar() {
        assertThatThrownBy(() -> env.substitute("x:${NOPE}"))
                .isInstanceOfSatisfying(EnvSubstitutor.SubstitutionException.class,
                        e -> assertThat(e.index()).isEqualTo(2))
                .hasMessage("environment variable NOPE is not set (give a default with ${NOPE:-value})");
        assertThatThrownBy(() -> env.substitute("ab${PORT")).hasMessageStartingWith("unterminated '${'");
        assertThatThrownBy(() -> env.substitute("${1X}")).hasMessageContaining("is not a variable reference");
    }

    @Test
    void substitutionHappensBeforeTyping() throws Exception {
        WeirConfig config = Yaml.load(String.join("\n",
                "listeners:",
                "  - name: ${NAME:-web}",
                "    listen: 127.0.0.1:${PORT}",
                "    max_connections: ${MAX}",
                "    idle_timeout: ${IDLE:-30s}",
                "    routes: [ { cluster: api } ]",
                "clusters: [ { name: api, endpoints: [ \"${UPSTREAM}:9001\" ] } ]",
                ""), Map.of("PORT", "8081", "MAX", "100", "UPSTREAM", "backend.local"));
        ListenerConfig web = config.listeners().get(0);
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.listen()).isEqualTo(new HostPort("127.0.0.1", 8081));
        assertThat(web.maxConnections()).isEqualTo(100);
        assertThat(web.idleTimeout()).hasSeconds(30);
        assertThat(config.clusters().get(0).endpoints().get(0).address())
                .isEqualTo(new HostPort("backend.local", 9001));
    }

    @Test
    void unsetVariableIsAnErrorAtTheDollar() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:${PORT}",
                "    routes: [ { cluster: \"${CLUSTER}\" } ]",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:1 ] } ]"))).containsExactly(
                "weir.yaml:3:23: listen: environment variable PORT is not set (give a default with ${PORT:-value})",
                "weir.yaml:4:27: cluster: environment variable CLUSTER is not set "
                        + "(give a default with ${CLUSTER:-value})");
    }

    @Test
    void substitutedValueIsTypedAfterwards() {
        assertThat(Yaml.errors(Yaml.minimal("        timeout: ${T}"), Map.of("T", "soon"))).containsExactly(
                "weir.yaml:6:18: timeout: expected a duration like 250ms, 5s, 1m; got 'soon'");
    }
}
