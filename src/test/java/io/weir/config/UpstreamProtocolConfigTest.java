package io.weir.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A cluster's {@code protocol}: http1 by default, h2 when asked, and mistakes named where they are. */
class UpstreamProtocolConfigTest {

    private static String cluster(String... lines) {
        StringBuilder yaml = new StringBuilder(Yaml.minimal(""));
        for (String line : lines) {
            yaml.append("    ").append(line).append('\n');
        }
        return yaml.toString();
    }

    @Test
    void http1IsTheDefaultAndH2CanBeChosen() throws Exception {
        assertThat(Yaml.load(cluster()).cluster("api").orElseThrow().protocol()).isEqualTo(UpstreamProtocol.HTTP1);
        assertThat(Yaml.load(cluster("protocol: h2")).cluster("api").orElseThrow().protocol())
                .isEqualTo(UpstreamProtocol.H2);
        assertThat(Yaml.load(cluster("protocol: http1")).cluster("api").orElseThrow().protocol())
                .isEqualTo(UpstreamProtocol.HTTP1);
    }

    @Test
    void anUnknownProtocolIsNamedWithItsPosition() {
        String yaml = cluster("protocol: h3");
        int line = (int) yaml.lines().count();
        assertThat(Yaml.errors(yaml)).containsExactly(
                "weir.yaml:" + line + ":15: protocol: expected one of http1, h2; got 'h3'");
    }

    @Test
    void h2CannotCarryAProxyProtocolHeader() {
        String yaml = cluster("proxy_protocol: v2", "protocol: h2");
        int line = (int) yaml.lines().count();
        assertThat(Yaml.errors(yaml)).containsExactly("weir.yaml:" + line + ":15: protocol: h2 cannot be combined "
                + "with proxy_protocol in cluster 'api': an h2 connection carries many clients' requests");
    }
}
