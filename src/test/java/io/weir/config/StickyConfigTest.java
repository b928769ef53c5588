package io.weir.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StickyConfigTest {

    private static final String CLUSTER = "listeners: [ { name: web, listen: 127.0.0.1:0, routes: [ { cluster: app } ] } ]\n"
            + "clusters:\n  - name: app\n    endpoints: [ 127.0.0.1:9001 ]\n";

    @Test
    void defaultsAndEveryKey() throws Exception {
        assertThat(Yaml.load(CLUSTER + "    sticky: {}\n").cluster("app").get().sticky()).contains(
                new StickyConfig("WEIRID", "/", Optional.empty(), Optional.empty(), false, true, Optional.empty(),
                        Optional.empty()));
        assertThat(Yaml.load(CLUSTER + "    sticky: { cookie: SRV, path: /a, domain: example.com, max_age: 1h, "
                + "secure: true, http_only: false, same_site: none, secret_env: WEIR_STICKY_KEY }\n")
                .cluster("app").get().sticky()).contains(new StickyConfig("SRV", "/a", Optional.of("example.com"),
                Optional.of(Duration.ofHours(1)), true, false, Optional.of(StickyConfig.SameSite.NONE),
                Optional.of("WEIR_STICKY_KEY")));
        assertThat(Yaml.load(CLUSTER).cluster("app").get().sticky()).isEmpty();
    }

    @Test
    void mistakesAreNamedWithTheirPosition() {
        assertThat(Yaml.errors(CLUSTER + "    sticky: { cookie: WEIRID, same_site: none, ttl: 1h }\n"))
                .anySatisfy(e -> assertThat(e).startsWith("weir.yaml:5:48: unknown key 'ttl' in sticky"))
                .anySatisfy(e -> assertThat(e).startsWith("weir.yaml:5:42: same_site: none needs secure: true"));
        assertThat(Yaml.errors(CLUSTER + "    sticky: { cookie: \"a b\" }\n")).singleElement().asString()
                .startsWith("weir.yaml:5:23:");
    }
}
