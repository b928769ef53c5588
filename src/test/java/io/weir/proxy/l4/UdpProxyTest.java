package io.weir.proxy.l4;

import io.weir.cluster.Endpoint;
import io.weir.cluster.EndpointState;
import io.weir.config.ConfigLoader;
import io.weir.testing.UdpEchoServer;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** udp listeners: flows per client address, replies relayed, expiry and eviction. */
class UdpProxyTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private WeirHarness start(String listenerLines, UdpEchoServer... backends) throws Exception {
        return start(listenerLines, "", backends);
    }

    private WeirHarness start(String listenerLines, String clusterLines, UdpEchoServer... backends) throws Exception {
        String yaml = yaml(listenerLines, clusterLines, backends);
        WeirHarness weir = WeirHarness.start(yaml);
        open.add(weir);
        return weir;
    }

    /** Listener "dns" in front of cluster "app" with {@code backends}, plus extra listener and cluster lines. */
    private static String yaml(String listenerLines, String clusterLines, UdpEchoServer... backends) {
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - name: dns
                    protocol: udp
                    listen: 127.0.0.1:0
                    cluster: app
                """).append(listenerLines.indent(4)).append("""
                clusters:
                  - name: app
                """).append(clusterLines.indent(4)).append("""
                    endpoints:
                """);
        for (UdpEchoServer b : backends) {
            yaml.append("      - ").append(b.address()).append('\n');
        }
        return yaml.toString();
    }

    private UdpEchoServer backend(String name) throws IOException {
        UdpEchoServer b = UdpEchoServer.named(name);
        open.add(b);
        return b;
    }

    private DatagramSocket client() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(10_000);
        open.add(s::close);
        return s;
    }

    /** Sends {@code text} and returns the reply split as [backend, upstream source port, payload]. */
    private static String[] ask(DatagramSocket client, WeirHarness weir, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), weir.port("dns")));
        DatagramPacket in = new DatagramPacket(new byte[65_536], 65_536);
        client.receive(in);
        assertThat(in.getPort()).as("replies come from the listener's address").isEqualTo(weir.port("dns"));
        return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8).split(" ", 3);
    }

    private static int outstanding(WeirHarness weir) {
        return weir.weir().clusters().require("app").endpoints().stream().mapToInt(Endpoint::outstanding).sum();
    }

    @Test
    void aRequestGetsItsReply() throws Exception {
        WeirHarness weir = start("", backend("a"));
        DatagramSocket c = client();
        String[] first = ask(c, weir, "hello");
        assertThat(first[0]).isEqualTo("a");
        assertThat(first[2]).isEqualTo("hello");
        String[] second = ask(c, weir, "again");
        assertThat(second[1]).as("one flow, one upstream socket").isEqualTo(first[1]);
        assertThat(weir.weir().udpListener("dns").flows()).isEqualTo(1);
    }

    @Test
    void twoClientsGetIndependentFlows() throws Exception {
        WeirHarness weir = start("", backend("a"), backend("b"));
        DatagramSocket c1 = client();
        DatagramSocket c2 = client();
        String[] r1 = ask(c1, weir, "one");
        String[] r2 = ask(c2, weir, "two");
        assertThat(r1[2]).isEqualTo("one");
        assertThat(r2[2]).isEqualTo("two");
        assertThat(r1[0]).as("round robin puts the second flow on the other endpoint").isNotEqualTo(r2[0]);
        for (int i = 0; i < 3; i++) {
            assertThat(ask(c1, weir, "x" + i)).containsExactly(r1[0], r1[1], "x" + i);
            assertThat(ask(c2, weir, "y" + i)).containsExactly(r2[0], r2[1], "y" + i);
        }
        assertThat(weir.weir().udpListener("dns").flows()).isEqualTo(2);
        assertThat(outstanding(weir)).isEqualTo(2);
    }

    @Test
    void anIdleFlowExpires() throws Exception {
        WeirHarness weir = start("idle_timeout: 200ms\n", backend("a"));
        DatagramSocket c = client();
        String[] first = ask(c, weir, "hello");
        await().atMost(Duration.ofSeconds(10)).until(() -> weir.weir().udpListener("dns").flows() == 0);
        assertThat(outstanding(weir)).isZero();
        String[] later = ask(c, weir, "back");
        assertThat(later[2]).isEqualTo("back");
        assertThat(later[1]).as("a new flow, a new upstream socket").isNotEqualTo(first[1]);
    }

    @Test
    void aReloadThatChangesTheSettingsKeepsTheSocketAndItsFlows(@TempDir Path dir) throws Exception {
        UdpEchoServer a = backend("a");
        WeirHarness weir = start("", a);
        int port = weir.port("dns");
        DatagramSocket c = client();
        String[] first = ask(c, weir, "hello");
        Path file = dir.resolve("weir.yaml");

        Files.writeString(file, yaml("max_flows: 10\n", "", a));
        assertThat(weir.weir().reload(file).ok()).isTrue();
        // Port 0: a socket bound anew would have come back on another port, and without the flow.
        assertThat(weir.port("dns")).isEqualTo(port);
        assertThat(ask(c, weir, "again")).as("the same flow, on its upstream socket")
                .containsExactly("a", first[1], "again");

        // The new idle timeout applies to the flow already open.
        Files.writeString(file, yaml("idle_timeout: 200ms\n", "", a));
        assertThat(weir.weir().reload(file).ok()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> weir.weir().udpListener("dns").flows() == 0);
    }

    @Test
    void atMaxFlowsTheFlowIdleLongestIsEvicted() throws Exception {
        WeirHarness weir = start("max_flows: 2\n", backend("a"));
        DatagramSocket c1 = client();
        DatagramSocket c2 = client();
        DatagramSocket c3 = client();
        String[] r1 = ask(c1, weir, "1");
        String[] r2 = ask(c2, weir, "2");
        ask(c1, weir, "1 again"); // c2 is now the one idle longest
        ask(c3, weir, "3");
        UdpListener listener = weir.weir().udpListener("dns");
        assertThat(listener.flows()).isEqualTo(2);
        assertThat(listener.evictions()).isEqualTo(1);
        assertThat(ask(c1, weir, "1 kept")[1]).as("c1's flow survived").isEqualTo(r1[1]);
        assertThat(ask(c2, weir, "2 back")[1]).as("c2's flow was evicted").isNotEqualTo(r2[1]);
        assertThat(outstanding(weir)).isEqualTo(2);
    }

    @Test
    void aFlowMovesOffAnEndpointThatAReloadTookOut() throws Exception {
        UdpEchoServer a = backend("a");
        UdpEchoServer b = backend("b");
        WeirHarness weir = start("", a, b);
        DatagramSocket c = client();
        String first = ask(c, weir, "hello")[0];
        UdpEchoServer kept = first.equals("a") ? b : a;
        String yaml = yaml("", "", kept);
        // The same listener (its address as configured is unchanged), a cluster without the flow's endpoint.
        assertThat(weir.weir().reload(ConfigLoader.parse(yaml, Path.of("test.yaml"), Map.of())).ok()).isTrue();
        // The endpoint may be decommissioned now: the flow goes where the cluster says, at its next datagram.
        String[] after = ask(c, weir, "moved?");
        assertThat(after[0]).isEqualTo(first.equals("a") ? "b" : "a");
        assertThat(ask(c, weir, "again")[1]).as("one new flow, kept").isEqualTo(after[1]);
    }

    @Test
    void aFlowOnADrainingEndpointMovesAtTheDrainTimeout() throws Exception {
        UdpEchoServer a = backend("a");
        UdpEchoServer b = backend("b");
        WeirHarness weir = start("", "drain_timeout: 200ms\n", a, b);
        DatagramSocket c = client();
        String first = ask(c, weir, "hello")[0];
        String drained = (first.equals("a") ? a : b).address();
        boolean idle = weir.weir().drainEndpoint("app", drained).get(10, TimeUnit.SECONDS);
        assertThat(idle).as("the flow still counts as in flight, so the drain ran to its timeout").isFalse();
        // Past the drain timeout the flow leaves, as a tcp connection would be cut; here it moves instead.
        assertThat(ask(c, weir, "moved?")[0]).isEqualTo(first.equals("a") ? "b" : "a");
    }

    private static EndpointState state(WeirHarness weir, String address) {
        return weir.weir().clusters().require("app").endpoint(address).orElseThrow().state();
    }

    @Test
    void aFlowMovesOffAnEndpointThatFailsItsChecks() throws Exception {
        UdpEchoServer a = backend("a");
        UdpEchoServer b = backend("b");
        WeirHarness weir = start("", "health_check: { type: udp, send: ping, interval: 200ms, timeout: 200ms }\n",
                a, b);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(weir, a.address()) == EndpointState.HEALTHY
                && state(weir, b.address()) == EndpointState.HEALTHY);
        DatagramSocket c = client();
        String first = ask(c, weir, "hello")[0];
        UdpEchoServer served = first.equals("a") ? a : b;
        String servedAddress = served.address();
        served.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(weir, servedAddress) == EndpointState.UNHEALTHY);
        // The client goes on sending, so its flow never idles out: it moves to the endpoint that still answers.
        String[] after = ask(c, weir, "still there?");
        assertThat(after[0]).isEqualTo(first.equals("a") ? "b" : "a");
        assertThat(after[2]).isEqualTo("still there?");
        assertThat(weir.weir().udpListener("dns").flows()).isEqualTo(1);
    }
}
