package io.weir.accesslog;

import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AccessLogTest {

    @TempDir
    Path dir;

    private static String config(TestBackend backend, Path log, String format) {
        return """
                access_log: { path: "%s", format: '%s' }
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - name: hello
                        match: { path: /hello }
                        respond: { status: 200, body: "hi" }
                      - name: main
                        cluster: app
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                """.formatted(log, format, backend.address());
    }

    @Test
    void writesOneJsonLinePerRequestWithItsOutcome() throws Exception {
        Path log = dir.resolve("access.log");
        try (TestBackend backend = TestBackend.named("abc");
             WeirHarness weir = WeirHarness.start(config(backend, log, "json"))) {
            weir.get("/x?q=1");
            weir.get("/hello");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.readAllLines(log).size() == 2);
            List<String> lines = Files.readAllLines(log);
            assertThat(lines.get(0)).contains("\"method\":\"GET\"").contains("\"uri\":\"/x?q=1\"")
                    .contains("\"status\":200").contains("\"bytes_out\":3").contains("\"route\":\"main\"")
                    .contains("\"cluster\":\"app\"").contains("\"endpoint\":\"" + backend.address() + "\"")
                    .contains("\"attempts\":1").contains("\"termination\":\"ok\"").contains("\"downstream_ip\":\"127.0.0.1\"");
            assertThat(lines.get(1)).contains("\"route\":\"hello\"").contains("\"cluster\":null");
        }
    }

    @Test
    void templateFormat() throws Exception {
        Path log = dir.resolve("access.log");
        try (TestBackend backend = TestBackend.named("abc");
             WeirHarness weir = WeirHarness.start(config(backend, log, "$method $uri $status $route $endpoint"))) {
            weir.get("/t");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && !Files.readAllLines(log).isEmpty());
            assertThat(Files.readAllLines(log)).containsExactly("GET /t 200 main " + backend.address());
        }
    }

    @Test
    void aHeadCutByItsDeadlineIsOne408AndAClientThatLeavesMidHeadOneLineWithoutStatus() throws Exception {
        Path log = dir.resolve("access.log");
        try (TestBackend backend = TestBackend.named("abc");
             WeirHarness weir = WeirHarness.start(config(backend, log, "$status $termination")
                     .replace("    listen: 127.0.0.1:0", "    listen: 127.0.0.1:0\n    request_header_timeout: 300ms"))) {
            try (Socket slow = new Socket("127.0.0.1", weir.port())) {
                slow.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.setSoTimeout(10_000);
                assertThat(new String(slow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .startsWith("HTTP/1.1 408 ");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.readAllLines(log).size() == 1);
            try (Socket leaving = new Socket("127.0.0.1", weir.port())) {
                leaving.getOutputStream().write("GET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(log).size() == 2);
            weir.get("/hello");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(log).size() == 3);
            // One line each: the timed-out head is not reported again as malformed when its client then closes.
            assertThat(Files.readAllLines(log)).containsExactly(
                    "408 request head not complete within request_header_timeout",
                    "0 downstream closed before the request head was complete",
                    "200 ok");
        }
    }
}
