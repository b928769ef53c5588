package io.weir.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/events} read as a plain SSE client: snapshots a second apart, rates, latencies, state changes. */
class DashboardStreamTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void streamsSnapshotsWithRatesLatenciesAndStateChanges() throws Exception {
        try (TestBackend a = TestBackend.named("a"); TestBackend b = TestBackend.named("b");
             WeirHarness weir = WeirHarness.start("""
                     admin: { listen: 127.0.0.1:0, token_env: PATH }
                     listeners:
                       - name: web
                         listen: 127.0.0.1:0
                         routes:
                           - cluster: app
                     clusters:
                       - name: app
                         slow_start: 1h
                         endpoints: [ "%s", { address: "%s", weight: 3 } ]
                     """.formatted(a.address(), b.address()))) {
            int admin = weir.weir().adminAddress().getPort();
            HttpResponse<Stream<String>> stream = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin + "/api/events")).build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/event-stream"));
            try (Stream<String> lines = stream.body()) {
                Iterator<String> it = lines.iterator();
                JsonNode first = next(it);
                JsonNode endpoint = first.at("/clusters/0/endpoints/1");
                assertThat(endpoint.get("address").asText()).isEqualTo(b.address());
                assertThat(endpoint.get("state").asText()).isEqualTo("healthy");
                assertThat(endpoint.get("weight").asInt()).isEqualTo(3);
                // Present from the start: not ramping.
                assertThat(endpoint.get("effective_weight").asDouble()).isEqualTo(3.0);

                for (int i = 0; i < 30; i++) {
                    assertThat(weir.get("/").statusCode()).isEqualTo(200);
                }
                // The requests fall in one of the next ticks' windows.
                JsonNode rated = next(it);
                while (rated.at("/clusters/0/endpoints/1/rps").asDouble() == 0) {
                    rated = next(it);
                }
                JsonNode b2 = rated.at("/clusters/0/endpoints/1");
                assertThat(b2.get("p50_ms").isNumber()).isTrue();
                assertThat(b2.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(b2.get("p50_ms").asDouble());

                HttpResponse<String> drained = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin
                        + "/api/clusters/app/endpoints/" + a.address() + "/drain"))
                        .header("Authorization", "Bearer " + System.getenv("PATH"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(drained.statusCode()).isEqualTo(200);
                JsonNode later = next(it);
                while (later.get("events").isEmpty()) {
                    later = next(it);
                }
                JsonNode a2 = later.at("/clusters/0/endpoints/0");
                assertThat(a2.get("state").asText()).isEqualTo("draining");
                assertThat(a2.get("effective_weight").asDouble()).isZero();
                assertThat(a2.get("reason").asText()).contains("drained");
                JsonNode event = later.get("events").get(later.get("events").size() - 1);
                assertThat(event.get("endpoint").asText()).isEqualTo(a.address());
                assertThat(event.get("from").asText()).isEqualTo("healthy");
                assertThat(event.get("to").asText()).isEqualTo("draining");
                assertThat(event.get("at").asLong()).isPositive();
            }
        }
    }

    /** The next {@code event: snapshot}'s data. */
    private static JsonNode next(Iterator<String> lines) throws Exception {
        String event = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ") && "snapshot".equals(event)) {
                return JSON.readTree(line.substring(6));
            }
        }
        throw new AssertionError("the stream ended");
    }
}
