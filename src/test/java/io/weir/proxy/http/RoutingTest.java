package io.weir.proxy.http;

import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing over real sockets: every match kind, first match wins, 404 for no match, and every action
 * (forward, split, redirect, direct response, header changes, prefix and host rewrites).
 */
class RoutingTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestBackend a;
    private TestBackend b;

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    @BeforeEach
    void backends() throws Exception {
        a = track(TestBackend.named("a"));
        b = track(TestBackend.named("b"));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    /** Weir with listener "web" whose routes are {@code routes} (YAML list items), and clusters a and b. */
    private WeirHarness weir(String routes) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                """);
        routes.stripIndent().lines().forEach(l -> yaml.append("      ").append(l).append('\n'));
        yaml.append("clusters:\n")
                .append("  - name: a\n    endpoints: [ ").append(a.address()).append(" ]\n")
                .append("  - name: b\n    endpoints: [ ").append(b.address()).append(" ]\n");
        return track(WeirHarness.start(yaml.toString()));
    }

    private static RawHttp.Response get(WeirHarness weir, String target, String host, String... headers)
            throws Exception {
        return request(weir, "GET", target, host, headers);
    }

    private static RawHttp.Response request(WeirHarness weir, String method, String target, String host,
                                            String... headers) throws Exception {
        StringBuilder raw = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\n");
        for (String h : headers) {
            raw.append(h).append("\r\n");
        }
        raw.append("\r\n");
        return RawHttp.send(weir.port(), raw.toString());
    }

    /** The backend that answered ("a" or "b"), or the status when Weir answered itself. */
    private static String who(RawHttp.Response r) {
        return r.status() == 200 && r.header("x-backend") != null ? r.body() : String.valueOf(r.status());
    }

    private int forwarded() {
        return a.received().size() + b.received().size();
    }

    // ---- match kinds ----------------------------------------------------------------------------------

    @Test
    void hostExactAndWildcardIgnoringPortAndCase() throws Exception {
        WeirHarness weir = weir("""
                - match: { host: api.example.com }
                  cluster: a
                - match: { host: "*.example.com" }
                  cluster: b
                """);
        assertThat(who(get(weir, "/", "api.example.com"))).isEqualTo("a");
        assertThat(who(get(weir, "/", "api.example.com:8080"))).isEqualTo("a");
        assertThat(who(get(weir, "/", "API.Example.COM"))).isEqualTo("a");
        assertThat(who(get(weir, "/", "www.example.com"))).isEqualTo("b");
        assertThat(who(get(weir, "/", "a.b.example.com:443"))).isEqualTo("b");
        int before = forwarded();
        // The wildcard needs at least one label in front of the suffix.
        assertThat(who(get(weir, "/", "example.com"))).isEqualTo("404");
        assertThat(who(get(weir, "/", "notexample.com"))).isEqualTo("404");
        assertThat(who(get(weir, "/", "api.example.com.evil.net"))).isEqualTo("404");
        assertThat(forwarded()).isEqualTo(before);
    }

    @Test
    void pathExactPrefixAndRegexMatchThePathWithoutTheQuery() throws Exception {
        WeirHarness weir = weir("""
                - match: { path: /exact }
                  cluster: a
                - match: { path_prefix: /pre/ }
                  cluster: b
                - match: { path_regex: "/items/[0-9]+" }
                  respond: { status: 200, body: regex }
                """);
        assertThat(who(get(weir, "/exact", "x"))).isEqualTo("a");
        assertThat(who(get(weir, "/exact?q=1", "x"))).isEqualTo("a");
        assertThat(who(get(weir, "/exact/", "x"))).isEqualTo("404");
        assertThat(who(get(weir, "/exactly", "x"))).isEqualTo("404");
        assertThat(who(get(weir, "/pre/", "x"))).isEqualTo("b");
        assertThat(who(get(weir, "/pre/deep/er?x=/exact", "x"))).isEqualTo("b");
        assertThat(who(get(weir, "/pre", "x"))).isEqualTo("404");
        assertThat(get(weir, "/items/42", "x").body()).isEqualTo("regex");
        assertThat(get(weir, "/items/42?page=2", "x").body()).isEqualTo("regex");
        // The regex must match the whole path.
        assertThat(who(get(weir, "/items/42a", "x"))).isEqualTo("404");
        assertThat(who(get(weir, "/v1/items/42", "x"))).isEqualTo("404");
    }

    @Test
    void methods() throws Exception {
        WeirHarness weir = weir("""
                - match: { methods: [ POST, PUT ] }
                  cluster: a
                - match: { methods: [ GET ] }
                  cluster: b
                """);
        assertThat(who(request(weir, "POST", "/", "x", "Content-Length: 0"))).isEqualTo("a");
        assertThat(who(request(weir, "PUT", "/", "x", "Content-Length: 0"))).isEqualTo("a");
        assertThat(who(request(weir, "GET", "/", "x"))).isEqualTo("b");
        assertThat(who(request(weir, "DELETE", "/", "x"))).isEqualTo("404");
        assertThat(a.last().method()).isEqualTo("PUT");
    }

    @Test
    void headerValueRegexAndPresence() throws Exception {
        WeirHarness weir = weir("""
                - match: { headers: [ { name: x-canary, value: "1" } ] }
                  respond: { status: 200, body: value }
                - match: { headers: [ { name: user-agent, regex: "curl/.*" } ] }
                  respond: { status: 200, body: regex }
                - match: { headers: [ { name: x-debug, present: true } ] }
                  respond: { status: 200, body: present }
                - match: { headers: [ { name: x-tenant }, { name: authorization, present: false } ] }
                  respond: { status: 200, body: anonymous-tenant }
                """);
        assertThat(get(weir, "/", "x", "X-Canary: 1").body()).isEqualTo("value");
        assertThat(who(get(weir, "/", "x", "X-Canary: 10"))).isEqualTo("404");
        assertThat(get(weir, "/", "x", "User-Agent: curl/8.5.0").body()).isEqualTo("regex");
        assertThat(who(get(weir, "/", "x", "User-Agent: not curl/8.5.0"))).isEqualTo("404");
        assertThat(get(weir, "/", "x", "x-debug: ").body()).isEqualTo("present");
        assertThat(get(weir, "/", "x", "x-tenant: t1").body()).isEqualTo("anonymous-tenant");
        assertThat(who(get(weir, "/", "x", "x-tenant: t1", "Authorization: Bearer t"))).isEqualTo("404");
        assertThat(forwarded()).isZero();
    }

    @Test
    void queryParameters() throws Exception {
        WeirHarness weir = weir("""
                - match: { query: [ { name: v, value: "2" } ] }
                  cluster: a
                - match: { query: [ { name: id, regex: "[0-9]+" }, { name: debug, present: false } ] }
                  cluster: b
                - match: { query: [ { name: debug } ] }
                  respond: { status: 200, body: debug }
                """);
        assertThat(who(get(weir, "/?v=2", "x"))).isEqualTo("a");
        assertThat(who(get(weir, "/p?x=1&v=2&y", "x"))).isEqualTo("a");
        // Several values: any one matching is enough.
        assertThat(who(get(weir, "/p?v=1&v=2", "x"))).isEqualTo("a");
        assertThat(who(get(weir, "/?v=22", "x"))).isEqualTo("404");
        assertThat(who(get(weir, "/?id=123", "x"))).isEqualTo("b");
        assertThat(get(weir, "/?id=123&debug", "x").body()).isEqualTo("debug");
        assertThat(get(weir, "/?debug=", "x").body()).isEqualTo("debug");
        assertThat(who(get(weir, "/?id=12a", "x"))).isEqualTo("404");
        // A parameter name in the path does not count.
        assertThat(who(get(weir, "/v=2", "x"))).isEqualTo("404");
        // Only '&' separates parameters, as upstream servers read them: here v is "1;v=2".
        assertThat(who(get(weir, "/?v=1;v=2", "x"))).isEqualTo("404");
        // A bad percent escape is read as written, not an error.
        assertThat(who(get(weir, "/?id=%zz", "x"))).isEqualTo("404");
        assertThat(who(get(weir, "/?id=%31%32", "x"))).isEqualTo("b");
    }

    @Test
    void cookies() throws Exception {
        WeirHarness weir = weir("""
                - match: { cookies: [ { name: beta, value: "yes" } ] }
                  cluster: a
                - match: { cookies: [ { name: session, regex: "[a-f0-9]{8}" } ] }
                  cluster: b
                """);
        assertThat(who(get(weir, "/", "x", "Cookie: beta=yes"))).isEqualTo("a");
        assertThat(who(get(weir, "/", "x", "Cookie: theme=dark; beta=yes; x=1"))).isEqualTo("a");
        assertThat(who(get(weir, "/", "x", "Cookie: beta=no"))).isEqualTo("404");
        assertThat(who(get(weir, "/", "x", "Cookie: session=deadbeef"))).isEqualTo("b");
        assertThat(who(get(weir, "/", "x", "Cookie: session=nothex00"))).isEqualTo("404");
        assertThat(who(get(weir, "/", "x", "X-Cookie: beta=yes"))).isEqualTo("404");
    }

    @Test
    void everyConditionOfAMatchMustHold() throws Exception {
        WeirHarness weir = weir("""
                - match: { host: api.example.com, path_prefix: /v1/, methods: [ GET ],
                           headers: [ { name: x-canary, value: "1" } ] }
                  cluster: a
                """);
        assertThat(who(get(weir, "/v1/x", "api.example.com", "x-canary: 1"))).isEqualTo("a");
        assertThat(who(get(weir, "/v1/x", "www.example.com", "x-canary: 1"))).isEqualTo("404");
        assertThat(who(get(weir, "/v2/x", "api.example.com", "x-canary: 1"))).isEqualTo("404");
        assertThat(who(request(weir, "DELETE", "/v1/x", "api.example.com", "x-canary: 1"))).isEqualTo("404");
        assertThat(who(get(weir, "/v1/x", "api.example.com"))).isEqualTo("404");
    }

    @Test
    void firstMatchWins() throws Exception {
        WeirHarness weir = weir("""
                - match: { path_prefix: /api/ }
                  cluster: a
                - match: { path: /api/special }
                  cluster: b
                - cluster: b
                """);
        // /api/special would match the second route too, but the first one takes it.
        assertThat(who(get(weir, "/api/special", "x"))).isEqualTo("a");
        assertThat(who(get(weir, "/other", "x"))).isEqualTo("b");
        assertThat(b.received()).extracting(TestBackend.Received::uri).containsExactly("/other");
    }

    @Test
    void noMatchIs404AndNothingIsForwardedAndTheConnectionStaysUsable() throws Exception {
        WeirHarness weir = weir("""
                - match: { host: api.example.com }
                  cluster: a
                """);
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET /nowhere HTTP/1.1\r\nHost: other.example.com\r\n\r\n");
            RawHttp.Response r = client.readResponse();
            assertThat(r.status()).isEqualTo(404);
            client.write("GET /somewhere HTTP/1.1\r\nHost: api.example.com\r\n\r\n");
            assertThat(client.readResponse().body()).isEqualTo("a");
        }
        assertThat(a.received()).extracting(TestBackend.Received::uri).containsExactly("/somewhere");
        assertThat(b.received()).isEmpty();
    }

    @Test
    void noMatchWithABodyIs404AndTheBodyIsNotForwarded() throws Exception {
        WeirHarness weir = weir("""
                - match: { path_prefix: /api/ }
                  cluster: a
                """);
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world");
            RawHttp.Response r = client.readResponse();
            assertThat(r.status()).isEqualTo(404);
            // The unread body would be taken for the next request: the connection is closed instead.
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(forwarded()).isZero();
    }

    // ---- actions --------------------------------------------------------------------------------------

    @Test
    void redirectsWithEachStatusAndEachPartKeepingTheQuery() throws Exception {
        WeirHarness weir = weir("""
                - match: { path_prefix: /old/ }
                  redirect: { status: 301, prefix_rewrite: /new/ }
                - match: { path: /secure }
                  redirect: { status: 308, scheme: https }
                - match: { path: /moved }
                  redirect: { status: 307, host: new.example.com, port: 8443 }
                - match: { path: /elsewhere }
                  redirect: { path: /landing }
                - match: { path: /port }
                  redirect: { status: 302, port: 9090 }
                - match: { path: /host-only }
                  redirect: { host: other.example.com }
                """);
        assertRedirect(get(weir, "/old/a/b?x=1&y=2", "www.example.com:8080"), 301,
                "http://www.example.com:8080/new/a/b?x=1&y=2");
        // A new scheme drops the port: it belonged to the old scheme.
        assertRedirect(get(weir, "/secure?q=1", "www.example.com:8080"), 308, "https://www.example.com/secure?q=1");
        assertRedirect(get(weir, "/moved", "www.example.com:8080"), 307, "http://new.example.com:8443/moved");
        assertRedirect(get(weir, "/elsewhere?a=1", "www.example.com:8080"), 302,
                "http://www.example.com:8080/landing?a=1");
        assertRedirect(get(weir, "/port", "www.example.com:8080"), 302, "http://www.example.com:9090/port");
        assertRedirect(get(weir, "/host-only?k=v", "www.example.com:8080"), 302,
                "http://other.example.com/host-only?k=v");
        assertRedirect(get(weir, "/elsewhere", "[::1]:8080"), 302, "http://[::1]:8080/landing");
        assertRedirect(get(weir, "/port", "[::1]"), 302, "http://[::1]:9090/port");
        assertThat(forwarded()).isZero();
    }

    private static void assertRedirect(RawHttp.Response r, int status, String location) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("location")).isEqualTo(location);
        assertThat(r.header("content-length")).isEqualTo("0");
    }

    @Test
    void redirectOfAnAbsoluteFormRequestUsesItsAuthority() throws Exception {
        WeirHarness weir = weir("""
                - match: { path_prefix: /old/ }
                  redirect: { prefix_rewrite: /new/ }
                """);
        RawHttp.Response r = get(weir, "http://a.example.com:8080/old/x?q=1", "ignored.example.com");
        assertRedirect(r, 302, "http://a.example.com:8080/new/x?q=1");
    }

    @Test
    void directResponses() throws Exception {
        WeirHarness weir = weir("""
                - match: { path: /maintenance }
                  respond: { status: 503, body: "<h1>back soon</h1>", content_type: "text/html; charset=utf-8" }
                - match: { path: /health }
                  respond: { status: 200, body: ok }
                - match: { path: /gone }
                  respond: { status: 410 }
                """);
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("GET /maintenance HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = client.readResponse();
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("<h1>back soon</h1>");
            assertThat(r.header("content-type")).isEqualTo("text/html; charset=utf-8");
            assertThat(r.header("content-length")).isEqualTo("18");

            client.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
            assertThat(r.header("content-type")).isEqualTo("text/plain");

            client.write("GET /gone HTTP/1.1\r\nHost: x\r\n\r\n");
            r = client.readResponse();
            assertThat(r.status()).isEqualTo(410);
            assertThat(r.body()).isEmpty();
            assertThat(r.header("content-length")).isEqualTo("0");
            assertThat(r.header("content-type")).isNull();
        }
        assertThat(forwarded()).isZero();
    }

    @Test
    void directResponseToHeadHasNoBody() throws Exception {
        WeirHarness weir = weir("""
                - respond: { status: 200, body: hello }
                """);
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = client.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("5");
            // Had the HEAD response carried a body, this would read "hello" as the next status line.
            client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response after = client.readResponse();
            assertThat(after.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(after.body()).isEqualTo("hello");
        }
    }

    @Test
    void aRejectionAfterAHeadRequestKeepsItsBody() throws Exception {
        WeirHarness weir = weir("""
                - respond: { status: 200, body: hello }
                """);
        try (RawHttp client = new RawHttp(weir.port())) {
            client.write("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse(true).status()).isEqualTo(200);
            client.write("GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n");
            RawHttp.Response r = client.readResponse();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("400 Bad Request\n");
        }
    }

    @Test
    void requestHeaderSetAddRemove() throws Exception {
        WeirHarness weir = weir("""
                - cluster: a
                  request_headers:
                    set: { x-set: new, x-fresh: "1" }
                    add: { x-add: new }
                    remove: [ x-remove, x-absent ]
                """);
        get(weir, "/", "x", "X-Set: old", "X-Add: old", "X-Remove: secret", "X-Keep: k");
        var headers = a.last().headers();
        assertThat(headers.getAll("x-set")).containsExactly("new");
        assertThat(headers.getAll("x-fresh")).containsExactly("1");
        assertThat(headers.getAll("x-add")).containsExactly("old", "new");
        assertThat(headers.contains("x-remove")).isFalse();
        assertThat(headers.get("x-keep")).isEqualTo("k");
    }

    @Test
    void responseHeaderSetAddRemove() throws Exception {
        TestBackend custom = track(TestBackend.start(r -> Reply.text("ok")
                .header("x-set", "old").header("x-add", "old").header("server", "backend/1.0").header("x-keep", "k")));
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - match: { path: /local }
                        respond: { status: 200, body: local }
                        response_headers: { set: { x-set: new }, add: { x-add: new } }
                      - cluster: c
                        response_headers:
                          set: { x-set: new, strict-transport-security: max-age=60 }
                          add: { x-add: new }
                          remove: [ server ]
                clusters:
                  - name: c
                    endpoints: [ %s ]
                """.formatted(custom.address())));
        RawHttp.Response r = get(weir, "/", "x");
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.header("x-set")).isEqualTo("new");
        assertThat(r.header("strict-transport-security")).isEqualTo("max-age=60");
        assertThat(r.header("x-add")).isEqualTo("old, new");
        assertThat(r.header("server")).isNull();
        assertThat(r.header("x-keep")).isEqualTo("k");

        RawHttp.Response local = get(weir, "/local", "x");
        assertThat(local.body()).isEqualTo("local");
        assertThat(local.header("x-set")).isEqualTo("new");
        assertThat(local.header("x-add")).isEqualTo("new");
    }

    @Test
    void responseHeaderChangesApplyToWeirsOwnErrorsOnThatRoute() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: down
                        response_headers: { set: { x-route: down } }
                clusters:
                  - name: down
                    endpoints: [ 127.0.0.1:%d ]
                """.formatted(closedPort)));
        RawHttp.Response r = get(weir, "/", "x");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.header("x-route")).isEqualTo("down");
    }

    @Test
    void prefixRewriteChangesThePathSentUpstreamAndKeepsTheQuery() throws Exception {
        WeirHarness weir = weir("""
                - match: { path_prefix: /api/v1/ }
                  cluster: a
                  prefix_rewrite: /internal/
                - match: { path_prefix: /strip/ }
                  cluster: a
                  prefix_rewrite: /
                - match: { path_prefix: /keep/ }
                  cluster: b
                """);
        assertThat(get(weir, "/api/v1/users/7?fields=a,b&x=%2F", "x").body()).isEqualTo("a");
        assertThat(a.last().uri()).isEqualTo("/internal/users/7?fields=a,b&x=%2F");
        get(weir, "/api/v1/", "x");
        assertThat(a.last().uri()).isEqualTo("/internal/");
        get(weir, "/strip/deep/path", "x");
        assertThat(a.last().uri()).isEqualTo("/deep/path");
        // Without prefix_rewrite the target goes upstream untouched.
        get(weir, "/keep/%7Euser?q", "x");
        assertThat(b.last().uri()).isEqualTo("/keep/%7Euser?q");
    }

    @Test
    void hostRewriteChangesTheHostSentUpstream() throws Exception {
        WeirHarness weir = weir("""
                - match: { path_prefix: /rewritten/ }
                  cluster: a
                  host_rewrite: internal.svc:8080
                - cluster: b
                """);
        get(weir, "/rewritten/x", "public.example.com");
        assertThat(a.last().headers().getAll("host")).containsExactly("internal.svc:8080");
        assertThat(a.last().headers().get("x-forwarded-host")).isEqualTo("public.example.com");
        get(weir, "/other", "public.example.com:8443");
        assertThat(b.last().headers().getAll("host")).containsExactly("public.example.com:8443");
    }

    @Test
    void absoluteFormIsRoutedByItsAuthorityAndSentInOriginForm() throws Exception {
        WeirHarness weir = weir("""
                - match: { host: a.example.com }
                  cluster: a
                - cluster: b
                """);
        RawHttp.Response r = get(weir, "http://a.example.com/x?y=1", "b.example.com");
        assertThat(r.body()).isEqualTo("a");
        TestBackend.Received got = a.last();
        assertThat(got.uri()).isEqualTo("/x?y=1");
        assertThat(got.headers().getAll("host")).containsExactly("a.example.com");

        r = get(weir, "HTTP://A.Example.com:8080?only=query", "b.example.com");
        assertThat(r.body()).isEqualTo("a");
        assertThat(a.last().uri()).isEqualTo("/?only=query");
        assertThat(a.last().headers().getAll("host")).containsExactly("A.Example.com:8080");

        r = get(weir, "http://c.example.com/", "a.example.com");
        assertThat(r.body()).isEqualTo("b");
        assertThat(b.last().uri()).isEqualTo("/");
        assertThat(b.last().headers().get("host")).isEqualTo("c.example.com");
    }

    @Test
    void absoluteFormWithAnAuthorityThatIsNotAHostIsRefused() throws Exception {
        WeirHarness weir = weir("""
                - cluster: a
                """);
        // The authority becomes the upstream Host and the host in Forwarded: it must be as clean as a Host.
        for (String target : List.of("http://a.example.com\";for=\"6.6.6.6/x", "http://user:pw@a.example.com/x",
                "http:///x", "http://a.example.com,b.example.com/x", "http://a.example.com#@b.example.com/x")) {
            RawHttp.Response r = get(weir, target, "x.example.com");
            assertThat(r.status()).as(target).isEqualTo(400);
        }
        assertThat(forwarded()).isZero();
    }

    @Test
    void splitSendsTrafficToBothClustersByWeight() throws Exception {
        WeirHarness weir = weir("""
                - split: [ { cluster: a, weight: 50 }, { cluster: b, weight: 50 } ]
                """);
        Map<String, Integer> counts = new TreeMap<>();
        try (RawHttp client = new RawHttp(weir.port())) {
            for (int i = 0; i < 1000; i++) {
                client.write("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
                counts.merge(client.readResponse().body(), 1, Integer::sum);
            }
        }
        assertThat(counts.keySet()).containsExactly("a", "b");
        assertThat(counts.get("a")).isBetween(400, 600);
        assertThat(a.received().size() + b.received().size()).isEqualTo(1000);
    }

    @Test
    void splitWithAZeroWeightNeverPicksThatCluster() throws Exception {
        WeirHarness weir = weir("""
                - split: [ { cluster: a, weight: 0 }, { cluster: b, weight: 1 } ]
                """);
        try (RawHttp client = new RawHttp(weir.port())) {
            for (int i = 0; i < 50; i++) {
                client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(client.readResponse().body()).isEqualTo("b");
            }
        }
        assertThat(a.received()).isEmpty();
    }
}
