package io.weir.proxy.http;

import io.weir.testing.SocketTest;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.BeforeEach;


/** Weir with one listener "web" over two named backends, a and b, and helpers to send it raw requests. */
abstract class RouteTestBase extends SocketTest {

    protected TestBackend a;
    protected TestBackend b;

    @BeforeEach
    void backends() throws Exception {
        a = track(TestBackend.named("a"));
        b = track(TestBackend.named("b"));
    }

    /** Weir with listener "web" whose routes are {@code routes} (YAML list items), and clusters a and b. */
    protected WeirHarness weir(String routes) throws Exception {
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

    protected static RawHttp.Response get(WeirHarness weir, String target, String host, String... headers)
            throws Exception {
        return request(weir, "GET", target, host, headers);
    }

    protected static RawHttp.Response request(WeirHarness weir, String method, String target, String host,
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
    protected static String who(RawHttp.Response r) {
        return r.status() == 200 && r.header("x-backend") != null ? r.body() : String.valueOf(r.status());
    }

    protected int forwarded() {
        return a.received().size() + b.received().size();
    }
}
