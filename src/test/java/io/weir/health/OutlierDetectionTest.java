package io.weir.health;

import io.weir.testing.Ports;
import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointState;
import io.weir.testing.RawBackend;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Passive checks: real traffic ejects failing endpoints, which get nothing until re-admitted. */
class OutlierDetectionTest extends HealthTestBase {

    private TestBackend named(String name) throws Exception {
        return track(TestBackend.named(name));
    }

    /** Sends requests until {@code address} is ejected (each request is a chance to fail). */
    private void sendUntilEjected(String address) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ZERO).until(() -> {
            weir.get("/work");
            return endpoint(address).state() == EndpointState.EJECTED;
        });
    }

    @Test
    void anEndpointAnswering503IsEjectedGetsNothingThenComesBack() throws Exception {
        TestBackend a = named("a");
        TestBackend b = named("b");
        AtomicBoolean broken = new AtomicBoolean(true);
        TestBackend sick = track(TestBackend.start(r -> broken.get() ? Reply.of(503, "no") : Reply.text("fine")));
        start("outlier_detection: { consecutive_failures: 3, base_ejection_time: 1s, max_ejection_percent: 50%, "
                + "success_rate: off }", a.address(), b.address(), sick.address());

        sendUntilEjected(sick.address());
        assertThat(traffic(sick)).isGreaterThanOrEqualTo(3);
        Ejection ejection = weir.weir().health().lastEjection(endpoint(sick.address())).orElseThrow();
        assertThat(ejection.reason()).isEqualTo("3 consecutive failures, the last: status 503");
        assertThat(ejection.duration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ejection.number()).isEqualTo(1);
        long atEjection = traffic(sick);
        for (int i = 0; i < 20; i++) {
            assertThat(weir.get("/work").statusCode()).isEqualTo(200);
        }
        assertThat(traffic(sick)).isEqualTo(atEjection);

        broken.set(false);
        awaitState(sick.address(), EndpointState.HEALTHY);
        send(30);
        assertThat(traffic(sick)).isGreaterThan(atEjection);
    }

    @Test
    void refusedConnectionsEjectAndClientsDoNotNotice() throws Exception {
        TestBackend a = named("a");
        TestBackend b = named("b");
        String refusing = "127.0.0.1:" + Ports.free();
        start("outlier_detection: { consecutive_failures: 2, base_ejection_time: 30s, max_ejection_percent: 50 }",
                a.address(), b.address(), refusing);
        sendUntilEjected(refusing);
        // The ejection starts the endpoint's streak afresh; it is made off the request's thread, so wait for it.
        await().atMost(Duration.ofSeconds(5)).until(() -> endpoint(refusing).outcomes().consecutiveFailures() == 0);
    }

    @Test
    void resetsAndSilenceAreGatewayFailuresThatEject() throws Exception {
        TestBackend a = named("a");
        TestBackend b = named("b");
        RawBackend resetting = track(RawBackend.start((socket, head) -> RawBackend.reset(socket)));
        RawBackend silent = track(RawBackend.start((socket, head) -> { }));
        start("upstream_timeout: 200ms\noutlier_detection: { consecutive_failures: 2, max_ejection_percent: 50 }",
                a.address(), b.address(), resetting.address(), silent.address());
        List<Endpoint> endpoints = weir.weir().clusters().require("app").endpoints();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ZERO).until(() -> {
            weir.get("/work");
            return endpoint(resetting.address()).isEjected() && endpoint(silent.address()).isEjected();
        });
        int heads = resetting.heads().size() + silent.heads().size();
        for (int i = 0; i < 20; i++) {
            assertThat(weir.get("/work").statusCode()).isEqualTo(200);
        }
        assertThat(resetting.heads().size() + silent.heads().size()).isEqualTo(heads);
        assertThat(endpoints.stream().filter(Endpoint::isEjected).count()).isEqualTo(2);
    }

    @Test
    void neverMoreThanMaxEjectionPercentButAlwaysOne() throws Exception {
        TestBackend a = track(TestBackend.start(r -> Reply.of(500, "a")));
        TestBackend b = track(TestBackend.start(r -> Reply.of(500, "b")));
        TestBackend c = track(TestBackend.start(r -> Reply.of(500, "c")));
        start("outlier_detection: { consecutive_failures: 2, base_ejection_time: 30s }\npanic_threshold: 0",
                a.address(), b.address(), c.address());
        List<Endpoint> endpoints = weir.weir().clusters().require("app").endpoints();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ZERO).until(() -> {
            weir.get("/work");
            return endpoints.stream().anyMatch(Endpoint::isEjected);
        });
        send(30);
        assertThat(endpoints.stream().filter(Endpoint::isEjected).count()).isEqualTo(1);
    }

    @Test
    void aLowSuccessRateEjectsByStatistics() throws Exception {
        List<TestBackend> good = List.of(named("a"), named("b"), named("c"), named("d"));
        AtomicInteger n = new AtomicInteger();
        // Fails every other request: never 2 in a row, so only the success rate can catch it.
        TestBackend flaky = track(TestBackend.start(r -> n.incrementAndGet() % 2 == 0 ? Reply.of(503, "no")
                : Reply.text("ok")));
        start("""
                outlier_detection:
                  consecutive_failures: 100
                  base_ejection_time: 30s
                  success_rate: { minimum_hosts: 5, request_volume: 10, stdev_factor: 1, interval: 300ms }
                """, good.get(0).address(), good.get(1).address(), good.get(2).address(), good.get(3).address(),
                flaky.address());
        sendUntilEjected(flaky.address());
        long atEjection = traffic(flaky);
        send(20);
        assertThat(traffic(flaky)).isEqualTo(atEjection);
        assertThat(good).allMatch(b -> !endpoint(b.address()).isEjected());
    }
}
