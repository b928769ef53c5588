package io.weir.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompressionConfigTest {

    private static String route(String compression) {
        return "listeners: [ { name: web, listen: 127.0.0.1:0, routes: [ { cluster: app, compression: " + compression
                + " } ] } ]\nclusters: [ { name: app, endpoints: [ 127.0.0.1:9001 ] } ]\n";
    }

    private static CompressionConfig parsed(String compression) throws Exception {
        return Yaml.load(route(compression)).listeners().get(0).routes().get(0).compression().orElseThrow();
    }

    @Test
    void defaultsAndEachSetting() throws Exception {
        assertThat(parsed("{}")).isEqualTo(new CompressionConfig(1024, 6, CompressionConfig.DEFAULT_CONTENT_TYPES));
        assertThat(parsed("{ min_size: 4KiB, level: 1, content_types: [ Text/*, application/json ] }"))
                .isEqualTo(new CompressionConfig(4096, 1, List.of("text/*", "application/json")));
    }

    @Test
    void mistakesAreNamedWithTheirPosition() {
        assertThat(Yaml.errors(route("{ level: 12 }"))).singleElement().asString()
                .isEqualTo("weir.yaml:1:96: level: expected an integer from 1 to 9; got '12'");
        assertThat(Yaml.errors(route("{ content_types: [ html ] }"))).singleElement().asString()
                .contains("expected a media type like text/html or text/*; got 'html'");
        assertThat(Yaml.errors(route("{ content_types: [] }"))).singleElement().asString()
                .contains("content_types: list at least one media type");
        assertThat(Yaml.errors(route("{ gzip: on }"))).singleElement().asString()
                .contains("unknown key 'gzip' in compression");
        assertThat(Yaml.errors("listeners: [ { name: web, listen: 127.0.0.1:0, routes: [ { respond: { status: 200 },"
                + " compression: {} } ] } ]\n")).singleElement().asString()
                .contains("'compression' only applies to routes that forward");
    }
}
