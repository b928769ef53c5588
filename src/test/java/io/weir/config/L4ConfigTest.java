package io.weir.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The keys of tcp and udp listeners and of the clusters behind them: defaults, values, and errors. */
class L4ConfigTest {

    @Test
    void tcpAndUdpKeysAreBound() throws Exception {
        WeirConfig config = Yaml.load(String.join("\n",
                "listeners:",
                "  - name: tls",
                "    protocol: tcp",
                "    listen: 127.0.0.1:8443",
                "    cluster: web",
                "    accept_proxy_protocol: true",
                "    trusted_proxy_protocol_sources: [ 10.0.0.0/8, 192.0.2.1 ]",
                "    preamble_timeout: 2s",
                "    sni_routes:",
                "      - { server_names: [ A.Example.com, \"*.example.org\" ], cluster: a }",
                "  - name: dns",
                "    protocol: udp",
                "    listen: 127.0.0.1:5353",
                "    cluster: dns",
                "    max_flows: 1000",
                "clusters:",
                "  - { name: web, endpoints: [ 127.0.0.1:1 ], proxy_protocol: v2 }",
                "  - { name: a, endpoints: [ 127.0.0.1:2 ] }",
                "  - { name: dns, endpoints: [ 127.0.0.1:3 ] }"));
        ListenerConfig tls = config.listeners().get(0);
        assertThat(tls.sniRoutes()).containsExactly(new SniRoute(List.of("a.example.com", "*.example.org"), "a"));
        assertThat(tls.acceptProxyProtocol()).isTrue();
        assertThat(tls.trustedProxyProtocolSources()).containsExactly("10.0.0.0/8", "192.0.2.1/32");
        assertThat(tls.preambleTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(tls.idleTimeout()).isEqualTo(ListenerConfig.DEFAULT_IDLE_TIMEOUT);
        ListenerConfig dns = config.listeners().get(1);
        assertThat(dns.maxFlows()).isEqualTo(1000);
        assertThat(dns.idleTimeout()).as("udp flows idle out sooner").isEqualTo(Duration.ofSeconds(30));
        assertThat(config.cluster("web").orElseThrow().proxyProtocol()).contains(ProxyProtocolVersion.V2);
        assertThat(config.cluster("a").orElseThrow().proxyProtocol()).isEqualTo(Optional.empty());
    }

    @Test
    void keysOnTheWrongKindOfListener() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:80",
                "    routes: [ { cluster: api } ]",
                "    sni_routes: []",
                "    max_flows: 10",
                "  - name: dns",
                "    protocol: udp",
                "    listen: 127.0.0.1:53",
                "    cluster: api",
                "    max_connections: 10",
                "    accept_proxy_protocol: true",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:1 ] } ]"))).containsExactly(
                "weir.yaml:5:5: 'sni_routes' only applies to tcp listeners",
                "weir.yaml:6:5: 'max_flows' only applies to udp listeners",
                "weir.yaml:11:5: 'max_connections' applies to http and tcp listeners; a udp listener bounds its flows "
                        + "with 'max_flows'",
                "weir.yaml:12:5: 'accept_proxy_protocol' only applies to tcp listeners");
    }

    @Test
    void sniAndProxyProtocolMistakes() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners:",
                "  - name: tls",
                "    protocol: tcp",
                "    listen: 127.0.0.1:443",
                "    cluster: api",
                "    accept_proxy_protocol: true",
                "    sni_routes:",
                "      - { server_names: [ a.example.com, \"bad name\" ], cluster: api }",
                "      - { server_names: [ A.example.com ], cluster: nope }",
                "      - { server_names: [], cluster: api }",
                "  - name: web",
                "    listen: 127.0.0.1:80",
                "    routes: [ { cluster: api } ]",
                "clusters: [ { name: api, endpoints: [ 127.0.0.1:1 ], proxy_protocol: v3 },",
                "            { name: pp, endpoints: [ 127.0.0.1:2 ], proxy_protocol: v1 } ]"))).containsExactly(
                "weir.yaml:6:5: accept_proxy_protocol needs trusted_proxy_protocol_sources: the CIDR ranges of the "
                        + "proxies allowed to send the header",
                "weir.yaml:8:42: server_names: expected a host name like a.example.com or a wildcard like "
                        + "*.example.org; got 'bad name'",
                "weir.yaml:9:27: server name 'a.example.com' is routed twice in listener 'tls'",
                "weir.yaml:9:53: unknown cluster 'nope' in listener 'tls' sni_routes; defined clusters: api, pp",
                "weir.yaml:10:25: server_names: an sni route needs at least one name",
                "weir.yaml:14:70: proxy_protocol: expected one of v1, v2; got 'v3'");
    }
}
