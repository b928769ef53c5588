package io.weir.proxy.http;

import io.weir.testing.Ports;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a route does, over real sockets: redirects, direct responses, header changes both ways, and the
 * prefix and host rewrites of forwarded requests.
 */
class RouteActionsTest extends RouteTestBase {

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
        int closedPort = Ports.free();
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
}
