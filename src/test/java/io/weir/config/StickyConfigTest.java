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

    @Test
    void appCookieModeWithItsDefaults() throws Exception {
        assertThat(Yaml.load(CLUSTER + "    sticky: { mode: app_cookie, cookie: JSESSIONID }\n").cluster("app").get()
                .sticky()).contains(StickyConfig.appCookie("JSESSIONID", Duration.ofMinutes(30), 100_000));
        assertThat(Yaml.load(CLUSTER + "    sticky: { mode: app_cookie, cookie: PHPSESSID, idle_timeout: 1h, "
                + "max_entries: 5000 }\n").cluster("app").get().sticky())
                .contains(StickyConfig.appCookie("PHPSESSID", Duration.ofHours(1), 5000));
        assertThat(Yaml.load(CLUSTER + "    sticky: { mode: insert }\n").cluster("app").get().sticky().get().mode())
                .isEqualTo(StickyConfig.Mode.INSERT);
    }

    @Test
    void appCookieMistakesAreNamed() {
        assertThat(Yaml.errors(CLUSTER + "    sticky: { mode: app_cookie }\n")).singleElement().asString()
                .startsWith("weir.yaml:5:13: sticky: mode: app_cookie needs 'cookie'");
        assertThat(Yaml.errors(CLUSTER + "    sticky: { mode: app_cookie, cookie: JSESSIONID, max_age: 1h }\n"))
                .singleElement().asString()
                .startsWith("weir.yaml:5:53: sticky: 'max_age' is for mode: insert; this one is mode: app_cookie");
        assertThat(Yaml.errors(CLUSTER + "    sticky: { cookie: WEIRID, idle_timeout: 1h }\n")).singleElement()
                .asString().startsWith("weir.yaml:5:31: sticky: 'idle_timeout' is for mode: app_cookie");
        assertThat(Yaml.errors(CLUSTER + "    sticky: { mode: app_cookie, cookie: J, max_entries: 0 }\n"))
                .singleElement().asString().startsWith("weir.yaml:5:57: max_entries: expected an integer from 1");
        assertThat(Yaml.errors(CLUSTER + "    sticky: { mode: learn }\n")).singleElement().asString()
                .contains("expected one of insert, app_cookie");
    }
}
