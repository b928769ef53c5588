package io.weir.scenario;

import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointState;
import io.weir.testing.SocketTest;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scenario from the load-balancing guides: 12 backends under steady load; 3 become overloaded
 * (answer 503, health check included) and 1 dies. With active and passive checks and retries, clients
 * see (almost) no failures, the bad four get no new requests once detected, the survivors absorb the
 * load, and when the four recover they get traffic back. Counts are asserted, never times.
 */
class PartialOutageScenarioTest extends SocketTest {

    private static final int BACKENDS = 12;

    private final List<TestBackend> backends = new ArrayList<>();
    private final List<AtomicBoolean> overloaded = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private Function<TestBackend.Received, Reply> responder(int i) {
        return r -> overloaded.get(i).get() ? Reply.of(503, "overloaded") : Reply.text("b" + i);
    }

    @Test
    void clientsBarelyNoticeThreeOverloadedBackendsAndOneDeadOne() throws Exception {
        for (int i = 0; i < BACKENDS; i++) {
            overloaded.add(new AtomicBoolean());
            TestBackend b = TestBackend.start(responder(i));
            backends.add(b);
            ports.add(b.port());
        }
        StringBuilder endpoints = new StringBuilder();
        for (int port : ports) {
            endpoints.append("      - 127.0.0.1:").append(port).append('\n');
        }
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                        retries: { attempts: 3, per_try_timeout: 1s, retry_on: [ connect-failure, reset, 503, 504 ], backoff: { base: 1ms, max: 5ms } }
                clusters:
                  - name: app
                    balance: round_robin
                    slow_start: 500ms
                    health_check: { type: http, path: /healthz, interval: 100ms, timeout: 100ms,
                                    healthy_threshold: 2, unhealthy_threshold: 2, initial_state: healthy }
                    outlier_detection: { consecutive_failures: 3, base_ejection_time: 60s, max_ejection_percent: 50%% }
                    retry_budget: { percent: 100, min_per_second: 1000 }
                    endpoints:
                %s""".formatted(endpoints)));
        Cluster cluster = weir.weir().clusters().require("app");

        backends.forEach(this::track);
        // Steady state: every backend serves, nothing fails.
        assertThat(failures(weir, 240)).isZero();
        for (TestBackend b : backends) {
            assertThat(b.received().size()).isGreaterThan(5);
        }

        // Trouble: 3 overloaded, 1 dead.
        for (int i = 0; i < 3; i++) {
            overloaded.get(i).set(true);
        }
        backends.get(3).close();
        List<Endpoint> bad = cluster.endpoints().subList(0, 4);
        int duringDetection = 0;
        int sent = 0;
        while (bad.stream().anyMatch(e -> e.state() == EndpointState.HEALTHY) && sent < 5000) {
            duringDetection += failures(weir, 10);
            sent += 10;
        }
        assertThat(bad).allMatch(e -> e.state() != EndpointState.HEALTHY, "all four detected");
        // While detection runs, retries hide most failures; a request whose tries all land on the four bad
        // neighbours of the rotation can still fail. Once they are detected, nothing may fail (below).
        assertThat(duringDetection).isLessThanOrEqualTo(Math.max(3, sent / 20));

        int[] before = receivedCounts();
        assertThat(failures(weir, 300)).isZero();
        int[] after = receivedCounts();
        for (int i = 0; i < 3; i++) {
            // Health checks still reach them; real requests do not.
            assertThat(realRequests(backends.get(i), before[i], after[i])).as("overloaded b" + i).isZero();
        }
        for (int i = 4; i < BACKENDS; i++) {
            assertThat(after[i] - before[i]).as("survivor b" + i).isGreaterThan(20);
        }

        // Recovery: the overloaded ones answer again, the dead one comes back on its port.
        for (int i = 0; i < 3; i++) {
            overloaded.get(i).set(false);
        }
        backends.set(3, TestBackend.start(ports.get(3), responder(3)));
        await().atMost(Duration.ofSeconds(30)).until(() -> bad.stream().noneMatch(e -> e.state() == EndpointState.UNHEALTHY));
        // Outlier ejections last 60s here; the test releases them as an operator would after fixing the cause.
        for (Endpoint e : bad) {
            e.setEjected(false);
        }
        cluster.rebuild();
        int[] recovering = receivedCounts();
        int recoveryFailures = 0;
        for (int round = 0; round < 200 && !allGotTraffic(recovering, 4); round++) {
            recoveryFailures += failures(weir, 12);
        }
        assertThat(recoveryFailures).isZero();
        assertThat(allGotTraffic(recovering, 4)).as("the four recovered endpoints get traffic back").isTrue();
    }

    private int failures(WeirHarness weir, int requests) throws Exception {
        int failed = 0;
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> r = weir.get("/work");
            if (r.statusCode() != 200) {
                failed++;
            }
        }
        return failed;
    }

    private int[] receivedCounts() {
        int[] counts = new int[BACKENDS];
        for (int i = 0; i < BACKENDS; i++) {
            counts[i] = backends.get(i).received().size();
        }
        return counts;
    }

    private long realRequests(TestBackend b, int from, int to) {
        return b.received().subList(from, to).stream().filter(r -> r.uri().equals("/work")).count();
    }

    private boolean allGotTraffic(int[] since, int firstN) {
        for (int i = 0; i < firstN; i++) {
            TestBackend b = backends.get(i);
            int start = i == 3 ? 0 : since[i];
            if (b.received().size() <= start
                    || b.received().subList(start, b.received().size()).stream().noneMatch(r -> r.uri().equals("/work"))) {
                return false;
            }
        }
        return true;
    }
}
