package io.weir.admin;

import io.weir.testing.BrowserPage;
import io.weir.testing.Chromium;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium, driven over the DevTools protocol: it loads without console errors,
 * shows a backend that dies as unhealthy within the health interval, and its drain button drains.
 * Skipped only when no chromium is installed (CI installs Debian's {@code chromium}).
 */
class DashboardBrowserTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** The health check's interval and fall threshold: a dead backend is unhealthy after about 2 × 300 ms. */
    private static final Duration UNHEALTHY_WITHIN = Duration.ofMillis(2 * 300 + 200).plusSeconds(5);

    private static Chromium chromium;

    @BeforeAll
    static void startBrowser() throws Exception {
        assumeTrue(Chromium.find().isPresent(), "chromium is not installed (apt-get install chromium)");
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static WeirHarness weir(TestBackend a, TestBackend b) throws Exception {
        // PATH stands in for a secret: a test cannot set environment variables, and PATH is always set.
        return WeirHarness.start("""
                admin: { listen: 127.0.0.1:0, token_env: PATH }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s", "%s" ]
                    health_check: { type: http, path: /, interval: 300ms, timeout: 200ms, jitter: 0ms,
                                    healthy_threshold: 1, unhealthy_threshold: 2 }
                """.formatted(a.address(), b.address()));
    }

    private static String dashboard(WeirHarness weir) {
        return "http://127.0.0.1:" + weir.weir().adminAddress().getPort() + "/dashboard";
    }

    private static String row(String endpoint) {
        return "document.querySelector('tr[data-cluster=\"app\"][data-endpoint=\"" + endpoint + "\"]')";
    }

    private static String stateOf(BrowserPage page, String endpoint) {
        return page.text("(" + row(endpoint) + "?.querySelector('.state')?.textContent) ?? ''");
    }

    @Test
    void loadsWithoutConsoleErrorsAndChartsLiveTraffic() throws Exception {
        try (TestBackend a = TestBackend.named("a"); TestBackend b = TestBackend.named("b");
             WeirHarness weir = weir(a, b)) {
            BrowserPage page = chromium.open(dashboard(weir));
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> stateOf(page, a.address()).equals("healthy")
                        && stateOf(page, b.address()).equals("healthy"));
                assertThat(page.text("document.getElementById('live').textContent")).isEqualTo("live");
                // Traffic until the page has charted a rate and a latency for endpoint a.
                await().atMost(Duration.ofSeconds(15)).until(() -> {
                    for (int i = 0; i < 20; i++) {
                        weir.get("/");
                    }
                    return page.evaluate("(() => { const r = " + row(a.address()) + "; return r !== null"
                            + " && r.querySelector('.rps').textContent !== '–' && Number(r.querySelector('.rps')"
                            + ".textContent) > 0 && r.querySelector('.p99').textContent !== '–'"
                            + " && r.querySelectorAll('svg.chart polyline').length >= 2; })()").asBoolean();
                });
                assertThat(page.text(row(a.address()) + ".querySelector('.weight').textContent"))
                        .isEqualTo("1.00 / 1");
                assertThat(page.errors()).isEmpty();
            } finally {
                page.close();
            }
        }
    }

    @Test
    void aBackendThatDiesTurnsUnhealthyWithinTheHealthInterval() throws Exception {
        try (TestBackend a = TestBackend.named("a"); TestBackend b = TestBackend.named("b");
             WeirHarness weir = weir(a, b)) {
            BrowserPage page = chromium.open(dashboard(weir));
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> stateOf(page, b.address()).equals("healthy"));
                b.close();
                await().atMost(UNHEALTHY_WITHIN).until(() -> stateOf(page, b.address()).equals("unhealthy"));
                assertThat(stateOf(page, a.address())).isEqualTo("healthy");
                assertThat(page.text(row(b.address()) + ".querySelector('.reason').textContent"))
                        .contains("failures in a row");
                // The recent state changes list it, with its reason.
                assertThat(page.text("document.querySelector('#events li[data-endpoint=\"" + b.address()
                        + "\"][data-to=\"unhealthy\"]')?.textContent ?? ''")).contains("healthy → unhealthy");
                assertThat(page.errors()).isEmpty();
            } finally {
                page.close();
            }
        }
    }

    @Test
    void theDrainButtonAsksForTheTokenAndDrains() throws Exception {
        try (TestBackend a = TestBackend.named("a"); TestBackend b = TestBackend.named("b");
             WeirHarness weir = weir(a, b)) {
            BrowserPage page = chromium.open(dashboard(weir));
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> stateOf(page, a.address()).equals("healthy"));
                page.evaluate(row(a.address()) + ".querySelector('button.drain').click()");
                await().atMost(Duration.ofSeconds(5)).until(() ->
                        page.evaluate("document.getElementById('token-dialog').open").asBoolean());
                page.evaluate("document.getElementById('token-input').value = " + jsString(System.getenv("PATH")));
                page.evaluate("document.getElementById('token-ok').click()");

                await().atMost(Duration.ofSeconds(10)).until(() -> endpointState(weir, a.address()).equals("draining"));
                await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(page, a.address()).equals("draining"));
                for (int i = 0; i < 4; i++) {
                    assertThat(weir.get("/").body()).isEqualTo("b");
                }

                // The token is remembered for the tab: undrain asks no more.
                page.evaluate(row(a.address()) + ".querySelector('button.undrain').click()");
                await().atMost(Duration.ofSeconds(10)).until(() -> endpointState(weir, a.address()).equals("healthy"));
                assertThat(page.evaluate("document.getElementById('token-dialog').open").asBoolean()).isFalse();
                assertThat(page.errors()).isEmpty();
            } finally {
                page.close();
            }
        }
    }

    /** The endpoint's state as the admin API reports it. */
    private static String endpointState(WeirHarness weir, String endpoint) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + weir.weir().adminAddress().getPort() + "/api/clusters")).build(), HttpResponse.BodyHandlers.ofString());
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        for (var e : root.get(0).get("endpoints")) {
            if (e.get("address").asText().equals(endpoint)) {
                return e.get("state").asText();
            }
        }
        return "";
    }

    private static String jsString(String s) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(s).toString();
    }
}
