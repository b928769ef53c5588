package io.weir.proxy.http;

import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which route a request takes, over real sockets: every match kind, first match wins, 404 for no match,
 * absolute-form targets, and splits by weight. What the routes then do is {@link RouteActionsTest}.
 */
class RoutingTest extends RouteTestBase {

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

    // ---- absolute form and split ----------------------------------------------------------------------

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
