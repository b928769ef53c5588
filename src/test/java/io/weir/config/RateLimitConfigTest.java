package io.weir.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitConfigTest {

    private static String route(String rateLimit) {
        return "listeners: [ { name: web, listen: 127.0.0.1:0, routes: [ { cluster: app, rate_limit: " + rateLimit
                + " } ] } ]\nclusters: [ { name: app, endpoints: [ 127.0.0.1:9001 ] } ]\n";
    }

    private static RateLimitConfig parsed(String rateLimit) throws Exception {
        return Yaml.load(route(rateLimit)).listeners().get(0).routes().get(0).rateLimit().orElseThrow();
    }

    @Test
    void ratesPerSecondAndPerMinuteKeysAndTheDefaultBurst() throws Exception {
        assertThat(parsed("{ rate: 100/s, burst: 20 }")).isEqualTo(
                new RateLimitConfig(100, 20, RateLimitConfig.Key.CLIENT_IP, RateLimitConfig.Scope.LOCAL));
        assertThat(parsed("{ rate: 30/m, key: header:x-api-key }")).isEqualTo(new RateLimitConfig(0.5, 1,
                new RateLimitConfig.Key(RateLimitConfig.Kind.HEADER, "x-api-key"), RateLimitConfig.Scope.LOCAL));
        assertThat(parsed("{ rate: 7/s, scope: global }").scope()).isEqualTo(RateLimitConfig.Scope.GLOBAL);
        assertThat(parsed("{ rate: 7/s, key: cookie:sid }").burst()).isEqualTo(7);
        assertThat(parsed("{ rate: 7/s, key: route }").key().kind()).isEqualTo(RateLimitConfig.Kind.ROUTE);
    }

    @Test
    void mistakesAreNamedWithTheirPosition() {
        assertThat(Yaml.errors(route("{ rate: 100/h }"))).singleElement().asString()
                .startsWith("weir.yaml:1:94: rate: expected a rate like 100/s or 30/m");
        assertThat(Yaml.errors(route("{ burst: 3 }"))).singleElement().asString()
                .contains("missing required key 'rate' in rate_limit");
        assertThat(Yaml.errors(route("{ rate: 1/s, key: ip }"))).singleElement().asString()
                .contains("expected client_ip, header:NAME, cookie:NAME or route");
        assertThat(Yaml.errors(route("{ rate: 1/s, window: 1s }"))).singleElement().asString()
                .contains("unknown key 'window' in rate_limit");
    }
}
