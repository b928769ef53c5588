package io.weir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static final String FULL = String.join("\n",
            "admin:",
            "  listen: 127.0.0.1:9902",
            "  token_env: WEIR_ADMIN_TOKEN",
            "listeners:",
            "  - name: web",
            "    protocol: http",
            "    listen: '*:8080'",
            "    request_header_timeout: 5s",
            "    idle_timeout: 2m",
            "    max_request_line: 4KiB",
            "    max_header_size: 16KiB",
            "    max_connections: 10000",
            "    trusted_proxies: [ 10.0.0.0/8, '::1/128', 192.168.1.7 ]",
            "    routes:",
            "      - name: api",
            "        match:",
            "          host: API.example.com",
            "          path_prefix: /api/",
            "          methods: [ get, POST ]",
            "          headers: [ { name: x-canary, value: \"1\" }, { name: x-debug, present: false } ]",
            "          query: [ { name: v, regex: \"[0-9]+\" } ]",
            "          cookies: [ { name: session } ]",
            "        cluster: api",
            "        request_headers:",
            "          set: { x-env: prod }",
            "          add: { x-via: weir }",
            "          remove: [ x-internal ]",
            "        response_headers: { set: { cache-control: no-store } }",
            "        host_rewrite: api.internal",
            "        prefix_rewrite: /",
            "        timeout: 1500ms",
            "        max_body: 1MiB",
            "        retries: { attempts: 3 }",
            "      - match: { path_regex: \"^/v[12]/.*\" }",
            "        split: [ { cluster: api, weight: 90 }, { cluster: api-v2, weight: 10 } ]",
            "      - match: { path: /old }",
            "        redirect: { status: 301, scheme: https, host: new.example.com, port: 8443, path: /new }",
            "      - match: { path_prefix: /docs/ }",
            "        redirect: { prefix_rewrite: /manual/ }",
            "      - respond: { status: 404, body: nothing here, content_type: text/html }",
            "  - name: db",
            "    protocol: tcp",
            "    listen: '[::1]:6432'",
            "    cluster: postgres",
            "    idle_timeout: 1h",
            "clusters:",
            "  - name: api",
            "    balance: least_connections",
            "    endpoints:",
            "      - { address: 127.0.0.1:9001, weight: 3 }",
            "      - { address: 'localhost:9002' }",
            "      - 127.0.0.1:9003",
            "    connect_timeout: 500ms",
            "    pool_max_idle: 8",
            "    pool_idle_timeout: 30s",
            "    upstream_timeout: 10s",
            "    slow_start: 30s",
            "  - name: api-v2",
            "    balance: maglev",
            "    hash_on: header:x-user",
            "    endpoints: [ \"[::1]:9101\" ]",
            "  - name: postgres",
            "    balance: ring_hash",
            "    endpoints: [ db.internal:5432 ]",
            "");

    @Test
    void fullConfigBindsEveryKey() throws Exception {
        WeirConfig config = Yaml.load(FULL);

        assertThat(config.source()).isEqualTo(Yaml.FILE);
        assertThat(config.admin()).contains(new AdminConfig(new HostPort("127.0.0.1", 9902),
                Optional.of("WEIR_ADMIN_TOKEN")));
        assertThat(config.listeners()).hasSize(2);

        ListenerConfig web = config.listeners().get(0);
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.protocol()).isEqualTo(Protocol.HTTP);
        assertThat(web.listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
        assertThat(web.cluster()).isEmpty();
        assertThat(web.requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(web.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(web.maxRequestLine()).isEqualTo(4096);
        assertThat(web.maxHeaderSize()).isEqualTo(16384);
        assertThat(web.maxConnections()).isEqualTo(10000);
        assertThat(web.trustedProxies()).containsExactly("10.0.0.0/8", "::1/128", "192.168.1.7/32");
        assertThat(web.routes()).hasSize(5);

        RouteConfig api = web.routes().get(0);
        assertThat(api.name()).isEqualTo("api");
        assertThat(api.match()).isEqualTo(new RouteMatch(Optional.of("api.example.com"), Optional.empty(),
                Optional.of("/api/"), Optional.empty(), List.of("GET", "POST"),
                List.of(new RouteMatch.ValueMatch("x-canary", Optional.of("1"), Optional.empty(), Optional.empty()),
                        new RouteMatch.ValueMatch("x-debug", Optional.empty(), Optional.empty(), Optional.of(false))),
                List.of(new RouteMatch.ValueMatch("v", Optional.empty(), Optional.of("[0-9]+"), Optional.empty())),
                List.of(new RouteMatch.ValueMatch("session", Optional.empty(), Optional.empty(), Optional.empty()))));
        assertThat(api.cluster()).contains("api");
        assertThat(api.split()).isEmpty();
        assertThat(api.redirect()).isEmpty();
        assertThat(api.respond()).isEmpty();
        assertThat(api.requestHeaders()).isEqualTo(new RouteConfig.HeaderMutation(
                List.of(new RouteConfig.Header("x-env", "prod")), List.of(new RouteConfig.Header("x-via", "weir")),
                List.of("x-internal")));
        assertThat(api.responseHeaders()).isEqualTo(new RouteConfig.HeaderMutation(
                List.of(new RouteConfig.Header("cache-control", "no-store")), List.of(), List.of()));
        assertThat(api.hostRewrite()).contains("api.internal");
        assertThat(api.prefixRewrite()).contains("/");
        assertThat(api.timeout()).contains(Duration.ofMillis(1500));
        assertThat(api.maxBody()).isEqualTo(1L << 20);
        assertThat(api.retries()).isEqualTo(RouteConfig.RetryPolicy.attempts(3));

        RouteConfig canary = web.routes().get(1);
        assertThat(canary.name()).isEqualTo("web#1");
        assertThat(canary.match().pathRegex()).contains("^/v[12]/.*");
        assertThat(canary.cluster()).isEmpty();
        assertThat(canary.split()).containsExactly(new RouteConfig.WeightedCluster("api", 90),
                new RouteConfig.WeightedCluster("api-v2", 10));
        assertThat(canary.requestHeaders()).isEqualTo(RouteConfig.HeaderMutation.NONE);
        assertThat(canary.timeout()).isEmpty();
        assertThat(canary.maxBody()).isEqualTo(RouteConfig.DEFAULT_MAX_BODY);
        assertThat(canary.retries()).isEqualTo(RouteConfig.RetryPolicy.NONE);

        assertThat(web.routes().get(2).redirect()).contains(new RouteConfig.Redirect(301, Optional.of("https"),
                Optional.of("new.example.com"), Optional.of(8443), Optional.of("/new"), Optional.empty()));
        assertThat(web.routes().get(3).redirect()).contains(new RouteConfig.Redirect(302, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("/manual/")));
        RouteConfig respond = web.routes().get(4);
        assertThat(respond.name()).isEqualTo("web#4");
        assertThat(respond.match()).isEqualTo(RouteMatch.ANY);
        assertThat(respond.respond()).contains(new RouteConfig.DirectResponse(404, "nothing here", "text/html"));

        ListenerConfig db = config.listeners().get(1);
        assertThat(db.protocol()).isEqualTo(Protocol.TCP);
        assertThat(db.listen()).isEqualTo(new HostPort("::1", 6432));
        assertThat(db.listen().toString()).isEqualTo("[::1]:6432");
        assertThat(db.routes()).isEmpty();
        assertThat(db.cluster()).contains("postgres");
        assertThat(db.idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(db.requestHeaderTimeout()).isEqualTo(ListenerConfig.DEFAULT_REQUEST_HEADER_TIMEOUT);

        assertThat(config.clusters()).extracting(ClusterConfig::name).containsExactly("api", "api-v2", "postgres");
        assertThat(config.cluster("api")).contains(new ClusterConfig("api", BalancePolicy.LEAST_CONNECTIONS,
                Optional.empty(), List.of(
                        new ClusterConfig.EndpointConfig(new HostPort("127.0.0.1", 9001), 3),
                        new ClusterConfig.EndpointConfig(new HostPort("localhost", 9002), 1),
                        new ClusterConfig.EndpointConfig(new HostPort("127.0.0.1", 9003), 1)),
                Duration.ofMillis(500), 8, Duration.ofSeconds(30), Duration.ofSeconds(10),
                Optional.of(Duration.ofSeconds(30)), ClusterConfig.BalanceTuning.DEFAULT, HealthConfig.DEFAULT,
                ClusterConfig.RetryBudget.DEFAULT, ClusterConfig.DEFAULT_DRAIN_TIMEOUT,
                Optional.empty(), Optional.empty(), Optional.empty()));
        ClusterConfig v2 = config.cluster("api-v2").orElseThrow();
        assertThat(v2.balance()).isEqualTo(BalancePolicy.MAGLEV);
        assertThat(v2.hashOn()).contains("header:x-user");
        assertThat(v2.endpoints()).containsExactly(new ClusterConfig.EndpointConfig(new HostPort("::1", 9101), 1));
        ClusterConfig postgres = config.cluster("postgres").orElseThrow();
        assertThat(postgres.hashOn()).contains(ClusterConfig.DEFAULT_HASH_ON);
    }

    @Test
    void defaultsComeFromTheRecords() throws Exception {
        WeirConfig config = Yaml.load(Yaml.minimal(""));

        assertThat(config.admin()).isEmpty();
        ListenerConfig web = config.listeners().get(0);
        assertThat(web.protocol()).isEqualTo(ListenerConfig.DEFAULT_PROTOCOL);
        assertThat(web.requestHeaderTimeout()).isEqualTo(ListenerConfig.DEFAULT_REQUEST_HEADER_TIMEOUT);
        assertThat(web.idleTimeout()).isEqualTo(ListenerConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(web.maxRequestLine()).isEqualTo(ListenerConfig.DEFAULT_MAX_REQUEST_LINE);
        assertThat(web.maxHeaderSize()).isEqualTo(ListenerConfig.DEFAULT_MAX_HEADER_SIZE);
        assertThat(web.maxConnections()).isZero();
        assertThat(web.trustedProxies()).isEmpty();
        RouteConfig route = web.routes().get(0);
        assertThat(route.name()).isEqualTo("web#0");
        assertThat(route.match()).isEqualTo(RouteMatch.ANY);
        assertThat(route.maxBody()).isEqualTo(RouteConfig.DEFAULT_MAX_BODY);
        assertThat(route.retries()).isEqualTo(RouteConfig.RetryPolicy.NONE);
        ClusterConfig api = config.clusters().get(0);
        assertThat(api.balance()).isEqualTo(ClusterConfig.DEFAULT_BALANCE);
        assertThat(api.hashOn()).isEmpty();
        assertThat(api.connectTimeout()).isEqualTo(ClusterConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(api.poolMaxIdle()).isEqualTo(ClusterConfig.DEFAULT_POOL_MAX_IDLE);
        assertThat(api.poolIdleTimeout()).isEqualTo(ClusterConfig.DEFAULT_POOL_IDLE_TIMEOUT);
        assertThat(api.upstreamTimeout()).isEqualTo(ClusterConfig.DEFAULT_UPSTREAM_TIMEOUT);
        assertThat(api.slowStart()).isEmpty();
        assertThat(api.endpoints().get(0).weight()).isEqualTo(ClusterConfig.EndpointConfig.DEFAULT_WEIGHT);
    }

    @Test
    void emptyAdminSectionMeansDefaultAdminListener() throws Exception {
        WeirConfig config = Yaml.load("admin:\n" + Yaml.minimal(""));
        assertThat(config.admin()).contains(new AdminConfig(AdminConfig.DEFAULT_LISTEN, Optional.empty()));
        assertThat(Yaml.load("admin: {}\n" + Yaml.minimal("")).admin().orElseThrow().listen())
                .isEqualTo(AdminConfig.DEFAULT_LISTEN);
    }

    @Test
    void mergeKeysAndAnchorsWork() throws Exception {
        WeirConfig config = Yaml.load(String.join("\n",
                "listeners:",
                "  - name: web",
                "    listen: 127.0.0.1:8080",
                "    routes: [ { cluster: a } ]",
                "clusters:",
                "  - &base",
                "    name: a",
                "    connect_timeout: 1s",
                "    endpoints: [ 127.0.0.1:9001 ]",
                "  - <<: *base",
                "    name: b",
                ""));
        assertThat(config.cluster("b").orElseThrow().connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.cluster("b").orElseThrow().endpoints()).hasSize(1);
    }

    @Test
    void listenersAndAdminMayUsePortZeroAndTcpAndUdpMayShareAPort() throws Exception {
        WeirConfig config = Yaml.load(String.join("\n",
                "admin: { listen: 127.0.0.1:0 }",
                "listeners:",
                "  - { name: a, listen: 127.0.0.1:0, routes: [ { cluster: c } ] }",
                "  - { name: b, listen: 127.0.0.1:0, routes: [ { cluster: c } ] }",
                "  - { name: t, protocol: tcp, listen: 127.0.0.1:53, cluster: c }",
                "  - { name: u, protocol: udp, listen: 127.0.0.1:53, cluster: c }",
                "clusters: [ { name: c, endpoints: [ 127.0.0.1:1 ] } ]",
                ""), Map.of());
        assertThat(config.listeners()).extracting(ListenerConfig::protocol)
                .containsExactly(Protocol.HTTP, Protocol.HTTP, Protocol.TCP, Protocol.UDP);
    }
}
