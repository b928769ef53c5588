package io.weir.health;

import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointState;
import io.weir.testing.SocketTest;
import io.weir.testing.UdpEchoServer;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** udp checks: a datagram sent, a reply expected (by its first bytes), on the cluster of a udp listener. */
class DatagramCheckTest extends SocketTest {

    private WeirHarness weir(String endpoint, String expect) throws Exception {
        return weir(endpoint, "are you there", expect);
    }

    /** {@code send} and {@code expect} go into double-quoted YAML, where {@code \xNN} escapes are bytes. */
    private WeirHarness weir(String endpoint, String send, String expect) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: dns
                    protocol: udp
                    listen: 127.0.0.1:0
                    cluster: echo
                clusters:
                  - name: echo
                    panic_threshold: 0
                    health_check: { type: udp, send: "%s", expect: "%s", interval: 100ms,
                                    healthy_threshold: 1, unhealthy_threshold: 1 }
                    endpoints: [ "%s" ]
                """.formatted(send, expect, endpoint)));
    }

    private static Endpoint only(WeirHarness weir) {
        return weir.weir().clusters().require("echo").endpoints().get(0);
    }

    /**
     * Waits until the endpoint is unhealthy for {@code reason}: the checker records the transition before it applies
     * it to the endpoint, so both are waited for.
     */
    private static void awaitUnhealthy(WeirHarness weir, String reason) {
        await().atMost(Duration.ofSeconds(10)).until(() -> only(weir).state() == EndpointState.UNHEALTHY
                && lastReason(weir).contains(reason));
    }

    private static String lastReason(WeirHarness weir) {
        return weir.weir().health().lastTransition(only(weir)).orElseThrow().reason();
    }

    @Test
    void anEndpointThatAnswersAsExpectedIsHealthy() throws Exception {
        UdpEchoServer echo = track(UdpEchoServer.named("echo"));
        WeirHarness weir = weir(echo.address(), "echo ");
        await().atMost(Duration.ofSeconds(10)).until(() -> only(weir).state() == EndpointState.HEALTHY);
        assertThat(lastReason(weir)).contains("replied").contains("'echo '");
    }

    @Test
    void aBinaryQueryIsSentByteForByte() throws Exception {
        // Answers "\x12\x34 ok" only to exactly the bytes 12 34 01 FF: a DNS-like binary question.
        try (DatagramSocket strict = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[512];
                while (!strict.isClosed()) {
                    try {
                        java.net.DatagramPacket in = new java.net.DatagramPacket(buf, buf.length);
                        strict.receive(in);
                        byte[] got = java.util.Arrays.copyOf(in.getData(), in.getLength());
                        byte[] reply = java.util.Arrays.equals(got, new byte[] {0x12, 0x34, 0x01, (byte) 0xff})
                                ? new byte[] {0x12, 0x34, ' ', 'o', 'k'} : new byte[] {'n', 'o'};
                        strict.send(new java.net.DatagramPacket(reply, reply.length, in.getSocketAddress()));
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            WeirHarness weir = weir("127.0.0.1:" + strict.getLocalPort(), "\\x12\\x34\\x01\\xff", "\\x12\\x34 ok");
            await().atMost(Duration.ofSeconds(10)).until(() -> only(weir).state() == EndpointState.HEALTHY);
        }
    }

    @Test
    void anEndpointThatAnswersSomethingElseIsUnhealthy() throws Exception {
        UdpEchoServer other = track(UdpEchoServer.named("other"));
        WeirHarness weir = weir(other.address(), "echo ");
        awaitUnhealthy(weir, "expected 'echo '");
    }

    @Test
    void aPortNobodyListensOnFailsAsRefusedWithoutWaitingForTheTimeout() throws Exception {
        String closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closed = "127.0.0.1:" + s.getLocalPort();
        }
        WeirHarness weir = weir(closed, "echo ");
        awaitUnhealthy(weir, "connection refused");
    }

    @Test
    void anEndpointThatSwallowsDatagramsTimesOut() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WeirHarness weir = weir("127.0.0.1:" + silent.getLocalPort(), "echo ");
            awaitUnhealthy(weir, "timeout");
        }
    }
}
