package io.weir.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each kind of mistake is reported as {@code file:line:col: message} at the right place. */
class ConfigErrorsTest {

    @Test
    void unknownKeyNamesTheKeyAndListsTheAllowedOnes() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    lisen: 127.0.0.1:8080",
                "    listen: 127.0.0.1:8080",
                "    routes: [ { cluster: api } ]",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:9001 ] } ]"))).containsExactly(
                "weir.yaml:3:5: unknown key 'lisen' in listener; expected one of: name, protocol, listen, routes, "
                        + "cluster, request_header_timeout, idle_timeout, max_request_line, max_header_size, "
                        + "max_connections, trusted_proxies, tls, max_flows, sni_routes, accept_proxy_protocol, "
                        + "trusted_proxy_protocol_sources, preamble_timeout, http2 (did you mean 'listen'?)");
    }

    @Test
    void unknownTopLevelKeyAndDuplicateKey() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    name: web2",
                "    listen: 127.0.0.1:8080",
                "    routes: [ { cluster: api } ]",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:9001 ] } ]",
                "upstreams: []"))).containsExactly(
                "weir.yaml:3:5: duplicate key 'name' in listener",
                "weir.yaml:7:1: unknown key 'upstreams' in the top level; expected one of: admin, listeners, clusters, access_log, shutdown_timeout, state, l4_access_log");
    }

    @Test
    void yamlSyntaxErrorHasSnakeYamlsPosition() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: [127.0.0.1:8080",
                "clusters: []"))).singleElement().asString()
                .startsWith("weir.yaml:4:")
                .contains("invalid YAML:");
        assertThat(Yaml.errors("listeners:\n\t- name: web\n")).singleElement().asString()
                .startsWith("weir.yaml:2:1: invalid YAML:");
    }

    @Test
    void emptyFileAndWrongShapes() {
        assertThat(Yaml.errors("")).containsExactly("weir.yaml:1:1: the config is empty; it needs at least 'listeners'");
        assertThat(Yaml.errors("- a\n")).containsExactly(
                "weir.yaml:1:1: the top level: expected a mapping (key: value), got a list");
        assertThat(Yaml.errors("listeners: web\n")).containsExactly(
                "weir.yaml:1:12: listeners: expected a list, got 'web'");
        assertThat(Yaml.errors("listeners: []\n")).containsExactly(
                "weir.yaml:1:12: listeners: at least one listener is needed");
        assertThat(Yaml.errors("clusters: []\n")).containsExactly(
                "weir.yaml:1:1: missing required key 'listeners' in the top level");
    }

    @Test
    void wrongTypesSayWhatWasExpected() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:8080",
                "    idle_timeout: 5 seconds",
                "    max_header_size: 32KB",
                "    max_connections: lots",
                "    protocol: http2",
                "    routes: [ { cluster: api } ]",
                "clusters:",
                "  - name: api",
                "    balance: fastest",
                "    endpoints: [ { address: 127.0.0.1:9001, weight: 1001 } ]",
                "    slow_start: [ 30s ]"))).containsExactly(
                "weir.yaml:4:19: idle_timeout: expected a duration like 250ms, 5s, 1m; got '5 seconds'",
                "weir.yaml:5:22: max_header_size: expected a size like 512, 64KiB, 1MiB; got '32KB' "
                        + "(write KiB: sizes use powers of 1024)",
                "weir.yaml:6:22: max_connections: expected an integer >= 0; got 'lots'",
                "weir.yaml:7:15: protocol: expected one of http, tcp, udp; got 'http2'",
                "weir.yaml:11:14: balance: expected one of round_robin, least_connections, power_of_two, "
                        + "least_response_time, random, ring_hash, maglev; got 'fastest'",
                "weir.yaml:12:53: weight: expected an integer from 0 to 1000; got '1001'",
                "weir.yaml:13:17: slow_start: expected a single value, got a list");
    }

    @Test
    void missingRequiredKeysPointAtTheirMapping() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    routes: [ { cluster: api } ]",
                "  - listen: 127.0.0.1:81",
                "    routes: [ { cluster: api } ]",
                "  - name: db",
                "    protocol: tcp",
                "    listen: 127.0.0.1:82",
                "clusters:",
                "  - name: api",
                "  - endpoints: [ 127.0.0.1:1 ]"))).containsExactly(
                "weir.yaml:2:5: missing required key 'listen' in listener 'web'",
                "weir.yaml:4:5: missing required key 'name' in listener",
                "weir.yaml:6:5: missing required key 'cluster' in listener 'db'",
                "weir.yaml:10:5: missing required key 'endpoints' in cluster 'api'",
                "weir.yaml:11:5: missing required key 'name' in cluster");
    }

    @Test
    void duplicateNamesPointAtTheSecondOne() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - { name: web, listen: 127.0.0.1:80, routes: [ { cluster: api } ] }",
                "  - { name: web, listen: 127.0.0.1:81, routes: [ { cluster: api } ] }",
                "clusters:",
                "  - { name: api, endpoints: [ 127.0.0.1:1 ] }",
                "  - { name: api, endpoints: [ 127.0.0.1:2 ] }"))).containsExactly(
                "weir.yaml:3:13: duplicate listener name 'web'; first defined at line 2",
                "weir.yaml:6:13: duplicate cluster name 'api'; first defined at line 5");
    }

    @Test
    void duplicateListenAddressesIncludingWildcardAndAdmin() {
        assertThat(Yaml.errors(String.join("\n",
                "admin: { listen: 127.0.0.1:9901 }",
                "listeners:",
                "  - { name: a, listen: 127.0.0.1:80, routes: [ { cluster: api } ] }",
                "  - { name: b, listen: '*:80', routes: [ { cluster: api } ] }",
                "  - { name: c, listen: 127.0.0.1:9901, routes: [ { cluster: api } ] }",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:1 ] } ]"))).containsExactly(
                "weir.yaml:4:24: listen address 0.0.0.0:80 of listener 'b' is already used by listener 'a' (line 3)",
                "weir.yaml:5:24: listen address 127.0.0.1:9901 of listener 'c' is already used by admin (line 1)");
    }

    @Test
    void missingClustersAreNamedWhereTheyAreReferred() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:80",
                "    routes:",
                "      - cluster: apii",
                "      - split: [ { cluster: api, weight: 1 }, { cluster: gone, weight: 1 } ]",
                "  - { name: db, protocol: tcp, listen: 127.0.0.1:81, cluster: pg }",
                "clusters:",
                "  - { name: api, endpoints: [ 127.0.0.1:1 ] }",
                "  - { name: unused, endpoints: [ 127.0.0.1:2 ] }"))).containsExactly(
                "weir.yaml:5:18: unknown cluster 'apii' in route 'web#0'; defined clusters: api, unused",
                "weir.yaml:6:58: unknown cluster 'gone' in route 'web#1'; defined clusters: api, unused",
                "weir.yaml:7:63: unknown cluster 'pg' in listener 'db'; defined clusters: api, unused");
    }

    @Test
    void routeActions() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:80",
                "    routes:",
                "      - match: { path: / }",
                "      - cluster: api",
                "        respond: { status: 200 }",
                "      - split: [ { cluster: api, weight: 0 } ]",
                "      - redirect: { status: 303 }",
                "      - respond: { body: hi }",
                "        timeout: 1s",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:1 ] } ]"))).containsExactly(
                "weir.yaml:5:9: route 'web#0' needs one action: cluster, split, redirect or respond",
                "weir.yaml:7:9: route 'web#1' has both 'cluster' and 'respond'; a route takes exactly one action",
                "weir.yaml:8:16: split: all weights are 0; at least one cluster must get traffic",
                "weir.yaml:9:19: redirect: set at least one of scheme, host, port, path, prefix_rewrite "
                        + "(otherwise it redirects to itself)",
                "weir.yaml:9:29: status: expected 301, 302, 307 or 308; got '303'",
                "weir.yaml:10:18: missing required key 'status' in respond",
                "weir.yaml:11:9: 'timeout' only applies to routes that forward (cluster or split), not to respond");
    }

    @Test
    void routeMatchProblems() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:80",
                "    routes:",
                "      - match: { path: /a, path_prefix: /b }",
                "        cluster: api",
                "      - match: { path_regex: \"/(unclosed\" }",
                "        cluster: api",
                "      - match: { headers: [ { name: \"bad header\", value: x, regex: y } ] }",
                "        cluster: api",
                "      - match: { path: /x }",
                "        prefix_rewrite: /y",
                "        cluster: api",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:1 ] } ]"))).containsExactly(
                "weir.yaml:5:28: match: give at most one of path, path_prefix, path_regex; "
                        + "found both 'path' and 'path_prefix'",
                "weir.yaml:7:30: path_regex: invalid regular expression '/(unclosed': Unclosed group near index 10",
                "weir.yaml:9:37: name: 'bad header' is not a valid header name (letters, digits and "
                        + "!#$%&'*+-.^_`|~ only)",
                "weir.yaml:9:61: headers: give at most one of value, regex, present; found both 'value' and 'regex'",
                "weir.yaml:12:9: prefix_rewrite needs a match with path_prefix");
    }

    @Test
    void listenerProtocolMismatches() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:80",
                "    cluster: api",
                "    routes: []",
                "  - name: db",
                "    protocol: tcp",
                "    listen: 127.0.0.1:81",
                "    cluster: api",
                "    routes: [ { cluster: api } ]",
                "    max_header_size: 1KiB",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:1 ] } ]"))).containsExactly(
                "weir.yaml:4:5: 'cluster' is for tcp and udp listeners; an http listener forwards through its routes,"
                        + " e.g. routes: [ { cluster: NAME } ]",
                "weir.yaml:5:13: routes: an http listener needs at least one route",
                "weir.yaml:10:5: 'routes' are for http listeners; a tcp listener forwards everything to its 'cluster'",
                "weir.yaml:11:5: 'max_header_size' only applies to http listeners");
    }

    @Test
    void clusterProblems() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners: [ { name: web, listen: 127.0.0.1:80, routes: [ { cluster: api } ] } ]",
                "clusters:",
                "  - name: api",
                "    hash_on: source_ip",
                "    endpoints: [ 127.0.0.1:1, 127.0.0.1:1, 'localhost', { address: '[::1]:0' } ]",
                "  - name: hashed",
                "    balance: ring_hash",
                "    hash_on: header",
                "    endpoints: []"))).containsExactly(
                "weir.yaml:4:5: hash_on only applies to balance: ring_hash or maglev; cluster 'api' uses round_robin",
                "weir.yaml:5:31: endpoint 127.0.0.1:1 is listed twice in cluster 'api'",
                "weir.yaml:5:44: endpoints: expected host:port like 127.0.0.1:8080, [::1]:80 or localhost:80; "
                        + "got 'localhost' (the port is missing)",
                "weir.yaml:5:68: address: port must be a number from 1 to 65535; got '[::1]:0'",
                "weir.yaml:8:14: hash_on: expected source_ip, path, header:NAME, cookie:NAME or query:NAME; "
                        + "got 'header'",
                "weir.yaml:9:16: endpoints: cluster 'hashed' needs at least one endpoint");
    }

    @Test
    void headerMutationsAndTrustedProxies() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:80",
                "    trusted_proxies: [ 10.0.0.0/33, not-an-ip ]",
                "    routes:",
                "      - cluster: api",
                "        request_headers:",
                "          set: { content-length: 5, host: x }",
                "          remove: [ \"x y\" ]",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:1 ] } ]"))).containsExactly(
                "weir.yaml:4:24: trusted_proxies: prefix length in '10.0.0.0/33' must be a number from 0 to 32",
                "weir.yaml:4:37: trusted_proxies: expected an IP address or CIDR range like 10.0.0.0/8 or ::1/128; "
                        + "got 'not-an-ip'",
                "weir.yaml:8:18: set: 'content-length' is managed by Weir and cannot be changed in request_headers",
                "weir.yaml:8:37: set: use the route's host_rewrite to change the Host header",
                "weir.yaml:9:21: remove: 'x y' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
    }

    @Test
    void aHeaderValueWithALineBreakIsRefused() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:80",
                "    routes:",
                "      - cluster: api",
                "        response_headers:",
                "          add: { x-a: \"one\\r\\nSet-Cookie: evil=1\", x-b: \"tab\\there is fine\" }",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:1 ] } ]"))).containsExactly(
                "weir.yaml:7:23: add: header value has a character not allowed in a header: U+000D at position 4");
    }

    @Test
    void manyErrorsAreReportedAtOnceInFileOrder() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:99999",
                "    idle_timeout: soon",
                "    routes: [ { cluster: nope } ]",
                "clusters:",
                "  - name: api",
                "    balance: fastest",
                "    endpoints: [ 127.0.0.1:1 ]"))).hasSize(4)
                .allMatch(e -> e.startsWith("weir.yaml:"))
                .extracting(e -> e.substring(0, e.indexOf(": ")))
                .containsExactly("weir.yaml:3:13", "weir.yaml:4:19", "weir.yaml:5:26", "weir.yaml:8:14");
    }
}
