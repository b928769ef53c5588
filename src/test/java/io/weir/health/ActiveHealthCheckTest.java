package io.weir.health;

import io.weir.testing.Ports;
import io.weir.cluster.EndpointState;
import io.weir.testing.RawBackend;
import io.weir.testing.TestBackend;
import io.weir.testing.TestBackend.Reply;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Active checks against real backends that fail in each way; the proxy sends nothing to an unhealthy one. */
class ActiveHealthCheckTest extends HealthTestBase {

    private static final String FAST = """
            health_check: { path: /healthz, interval: 100ms, timeout: 100ms, healthy_threshold: 1,
                            unhealthy_threshold: 1 }
            """;

    private TestBackend healthy(String name) throws Exception {
        return track(TestBackend.named(name));
    }

    /** Answers 200 to traffic and, while {@code up} is false, 503 to health checks. */
    private TestBackend switchable(AtomicBoolean up) throws Exception {
        return track(TestBackend.start(r -> r.uri().equals(HEALTH_PATH) && !up.get()
                ? Reply.of(503, "down") : Reply.text("ok")));
    }

    @Test
    void anEndpointAnswering503IsUnhealthyAndGetsNoTraffic() throws Exception {
        TestBackend a = healthy("a");
        TestBackend b = healthy("b");
        TestBackend sick = switchable(new AtomicBoolean(false));
        start(FAST, a.address(), b.address(), sick.address());
        awaitState(a.address(), EndpointState.HEALTHY);
        awaitState(b.address(), EndpointState.HEALTHY);
        awaitReason(sick.address(), "status 503");
        assertThat(endpoint(sick.address()).state()).isEqualTo(EndpointState.UNHEALTHY);

        send(30);
        assertThat(traffic(sick)).isZero();
        assertThat(traffic(a) + traffic(b)).isEqualTo(30);
    }

    @Test
    void refusedConnectionsAndUnansweredChecksMakeEndpointsUnhealthy() throws Exception {
        TestBackend a = healthy("a");
        TestBackend b = healthy("b");
        TestBackend c = healthy("c");
        RawBackend silent = track(RawBackend.start((socket, head) -> { }));
        String refusing = "127.0.0.1:" + Ports.free();
        start(FAST, a.address(), b.address(), c.address(), silent.address(), refusing);
        awaitReason(refusing, "connection refused");
        awaitReason(silent.address(), "timeout after 100ms");
        awaitState(a.address(), EndpointState.HEALTHY);
        awaitState(b.address(), EndpointState.HEALTHY);
        awaitState(c.address(), EndpointState.HEALTHY);
        assertThat(endpoint(refusing).state()).isEqualTo(EndpointState.UNHEALTHY);
        assertThat(endpoint(silent.address()).state()).isEqualTo(EndpointState.UNHEALTHY);
        int silentConnections = silent.heads().size();
        send(30);
        assertThat(traffic(a) + traffic(b) + traffic(c)).isEqualTo(30);
        assertThat(silent.heads()).allMatch(h -> h.startsWith("GET /healthz"));
        assertThat(silent.heads().size()).isGreaterThanOrEqualTo(silentConnections);
    }

    @Test
    void aBackendThatDiesAndComesBackIsCheckedBackIn() throws Exception {
        TestBackend a = healthy("a");
        TestBackend b = healthy("b");
        TestBackend c = TestBackend.named("c");
        int port = c.port();
        try {
            start(FAST, a.address(), b.address(), c.address());
            awaitState(c.address(), EndpointState.HEALTHY);
        } finally {
            c.close();
        }
        awaitState("127.0.0.1:" + port, EndpointState.UNHEALTHY);
        send(10);
        assertThat(traffic(a) + traffic(b)).isEqualTo(10);

        TestBackend back = track(TestBackend.start(port, r -> Reply.text("back")));
        awaitState(back.address(), EndpointState.HEALTHY);
        send(30);
        assertThat(traffic(back)).isPositive();
    }

    @Test
    void aFlappingEndpointObeysRiseAndFallAndGetsNothingWhileDown() throws Exception {
        TestBackend a = healthy("a");
        TestBackend b = healthy("b");
        AtomicBoolean up = new AtomicBoolean(true);
        TestBackend flapper = switchable(up);
        // Checks far apart enough that a loaded machine does not time out a passing one (two in a row would
        // flip the endpoint while the test expects it up).
        start("health_check: { path: /healthz, interval: 200ms, timeout: 200ms, jitter: 0, healthy_threshold: 3, "
                + "unhealthy_threshold: 2 }", a.address(), b.address(), flapper.address());
        awaitState(flapper.address(), EndpointState.HEALTHY);

        for (int flap = 0; flap < 2; flap++) {
            long checksBefore = checks(flapper);
            up.set(false);
            awaitState(flapper.address(), EndpointState.UNHEALTHY);
            // Fall: at least unhealthy_threshold failed checks since it went down.
            assertThat(checks(flapper) - checksBefore).isGreaterThanOrEqualTo(2);
            long trafficWhileDown = traffic(flapper);
            send(20);
            assertThat(traffic(flapper)).isEqualTo(trafficWhileDown);

            checksBefore = checks(flapper);
            up.set(true);
            awaitState(flapper.address(), EndpointState.HEALTHY);
            // Rise: at least healthy_threshold passed checks since it came back.
            assertThat(checks(flapper) - checksBefore).isGreaterThanOrEqualTo(3);
            long trafficWhileUp = traffic(flapper);
            send(20);
            assertThat(traffic(flapper)).isGreaterThan(trafficWhileUp);
        }
    }

    @Test
    void tcpChecksConnectOnly() throws Exception {
        TestBackend a = healthy("a");
        TestBackend b = healthy("b");
        String refusing = "127.0.0.1:" + Ports.free();
        start("health_check: { type: tcp, interval: 100ms, timeout: 100ms, unhealthy_threshold: 1 }",
                a.address(), b.address(), refusing);
        awaitState(a.address(), EndpointState.HEALTHY);
        awaitReason(refusing, "connection refused");
        assertThat(a.received()).isEmpty();
        assertThat(a.connections()).isPositive();
    }

    @Test
    void checksSendTheConfiguredRequestAndJudgeTheBody() throws Exception {
        TestBackend good = track(TestBackend.start(r -> Reply.text("status: READY")));
        TestBackend bad = track(TestBackend.start(r -> Reply.text("status: STARTING")));
        TestBackend third = track(TestBackend.start(r -> Reply.text("status: READY")));
        start("""
                health_check: { path: /healthz, method: get, host: app.internal, headers: { x-probe: weir },
                                body_contains: READY, interval: 100ms, timeout: 100ms, unhealthy_threshold: 1 }
                """, good.address(), bad.address(), third.address());
        awaitState(good.address(), EndpointState.HEALTHY);
        awaitReason(bad.address(), "lacks 'READY'");
        TestBackend.Received check = good.received().get(0);
        assertThat(check.uri()).isEqualTo(HEALTH_PATH);
        assertThat(check.headers().get("host")).isEqualTo("app.internal");
        assertThat(check.headers().get("x-probe")).isEqualTo("weir");
    }

    @Test
    void fromTheInitialUnhealthyStateOnePassIsEnough() throws Exception {
        TestBackend a = healthy("a");
        // A generous timeout: the very first check may meet a cold JVM on a busy machine.
        start("health_check: { path: /healthz, interval: 3s, timeout: 3s, jitter: 0, healthy_threshold: 5 }",
                a.address());
        awaitState(a.address(), EndpointState.HEALTHY);
        assertThat(checks(a)).isEqualTo(1);
    }

    @Test
    void whenEveryCheckFailsThePanicThresholdKeepsTrafficFlowingToAll() throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        TestBackend a = switchable(up);
        TestBackend b = switchable(up);
        TestBackend c = switchable(up);
        start(FAST, a.address(), b.address(), c.address());
        awaitReason(a.address(), "status 503");
        awaitReason(b.address(), "status 503");
        awaitReason(c.address(), "status 503");
        assertThat(weir.weir().clusters().require("app").panicking()).isTrue();

        for (int i = 0; i < 30; i++) {
            assertThat(weir.get("/work").statusCode()).isEqualTo(200);
        }
        assertThat(traffic(a)).isPositive();
        assertThat(traffic(b)).isPositive();
        assertThat(traffic(c)).isPositive();
    }
}
