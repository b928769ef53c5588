package io.weir.proxy.l4;

import io.weir.testing.Ports;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weir.config.ConfigException;
import io.weir.config.ConfigLoader;
import io.weir.testing.SocketTest;
import io.weir.testing.TcpBackend;
import io.weir.testing.TcpClient;
import io.weir.testing.UdpEchoServer;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code l4_access_log}: one line per tcp connection and udp flow when it ends, over real sockets. */
class L4AccessLogTest extends SocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void clearSplice() {
        System.clearProperty("weir.splice");
    }

    private WeirHarness start(String format, String listenerExtra, String endpoint) throws Exception {
        return track(WeirHarness.start("""
                l4_access_log: { path: %s, format: '%s' }
                listeners:
                  - name: db
                    protocol: tcp
                    listen: 127.0.0.1:0
                    cluster: app
                %s
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                """.formatted(dir.resolve("l4.log"), format, listenerExtra.indent(4).stripTrailing(), endpoint)));
    }

    private List<String> lines(int atLeast) throws Exception {
        Path log = dir.resolve("l4.log");
        List<String> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            out.clear();
            if (Files.exists(log)) {
                out.addAll(Files.readAllLines(log));
            }
            return out.size() >= atLeast;
        });
        return out;
    }

    private JsonNode onlyLine() throws Exception {
        List<String> lines = lines(1);
        assertThat(lines).hasSize(1);
        return JSON.readTree(lines.get(0));
    }

    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {false, true})
    void aTcpConnectionIsLoggedWhenItEndsWithItsBytesAndReason(boolean splice) throws Exception {
        System.setProperty("weir.splice", String.valueOf(splice));
        TcpBackend backend = track(TcpBackend.named("app"));
        WeirHarness weir = start("json", "", backend.address());
        int clientPort;
        try (TcpClient client = TcpClient.connect(weir.port("db"))) {
            clientPort = client.socket().getLocalPort();
            assertThat(client.readLine()).isEqualTo("app\n");
            client.send("hello");
            assertThat(client.read(5)).isEqualTo("hello");
            client.shutdownOutput();
            assertThat(client.readToEnd()).isEqualTo("<eof>");
        }
        JsonNode line = onlyLine();
        assertThat(line.get("protocol").asText()).isEqualTo("tcp");
        assertThat(line.get("downstream_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(line.get("downstream_port").asInt()).isEqualTo(clientPort);
        assertThat(line.get("listener").asText()).isEqualTo("db");
        assertThat(line.get("cluster").asText()).isEqualTo("app");
        assertThat(line.get("endpoint").asText()).isEqualTo(backend.address());
        assertThat(line.get("termination").asText()).isEqualTo("ok");
        assertThat(line.get("duration_ms").asDouble()).isPositive();
        assertThat(line.get("upstream_connect_ms").isNumber()).isTrue();
        assertThat(line.get("time").asText()).endsWith("Z");
        boolean kernelSpliced = splice && weir.weir().transportName().equals("epoll");
        if (kernelSpliced) {
            // Spliced bytes never reach Weir: unknown rather than wrong.
            assertThat(line.get("bytes_in").isNull()).isTrue();
            assertThat(line.get("bytes_out").isNull()).isTrue();
        } else {
            assertThat(line.get("bytes_in").asLong()).isEqualTo(5);
            assertThat(line.get("bytes_out").asLong()).isEqualTo("app\nhello<eof>".length());
        }
    }

    @Test
    void idleTimeoutAndUpstreamResetAreTheirReasons() throws Exception {
        System.setProperty("weir.splice", "false");
        TcpBackend backend = track(TcpBackend.named("app"));
        WeirHarness weir = start("$protocol $listener $endpoint $bytes_in $termination", "idle_timeout: 300ms",
                backend.address());
        try (TcpClient idle = TcpClient.connect(weir.port("db"))) {
            assertThat(idle.readLine()).isEqualTo("app\n");
            idle.readUntilClosed();
        }
        assertThat(lines(1).get(0)).isEqualTo("tcp db " + backend.address() + " 0 idle timeout 300ms");
        try (TcpClient resetting = TcpClient.connect(weir.port("db"))) {
            assertThat(resetting.readLine()).isEqualTo("app\n");
            resetting.send("reset");
            resetting.readUntilClosed();
        }
        assertThat(lines(2).get(1)).startsWith("tcp db " + backend.address() + " 5 upstream error: ");
    }

    @Test
    void aConnectionNoEndpointTookIsLoggedWithWhy() throws Exception {
        int closedPort = Ports.free();
        WeirHarness weir = start("json", "", "127.0.0.1:" + closedPort);
        try (TcpClient client = TcpClient.connect(weir.port("db"))) {
            client.readUntilClosed();
        }
        JsonNode line = onlyLine();
        assertThat(line.get("cluster").asText()).isEqualTo("app");
        assertThat(line.get("endpoint").isNull()).isTrue();
        assertThat(line.get("upstream_connect_ms").isNull()).isTrue();
        assertThat(line.get("termination").asText()).startsWith("connect to 127.0.0.1:" + closedPort + " failed");
    }

    @Test
    void aUdpFlowIsLoggedWhenItExpires() throws Exception {
        UdpEchoServer echo = track(UdpEchoServer.named("e"));
        WeirHarness weir = track(WeirHarness.start("""
                l4_access_log: { path: %s }
                listeners:
                  - name: dns
                    protocol: udp
                    listen: 127.0.0.1:0
                    cluster: resolvers
                    idle_timeout: 200ms
                clusters:
                  - name: resolvers
                    endpoints: [ "%s" ]
                """.formatted(dir.resolve("l4.log"), echo.address())));
        int replyLength;
        int clientPort;
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(10_000);
            clientPort = client.getLocalPort();
            byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), weir.port("dns")));
            DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
            client.receive(reply);
            replyLength = reply.getLength();
        }
        JsonNode line = onlyLine();
        assertThat(line.get("protocol").asText()).isEqualTo("udp");
        assertThat(line.get("downstream_port").asInt()).isEqualTo(clientPort);
        assertThat(line.get("listener").asText()).isEqualTo("dns");
        assertThat(line.get("cluster").asText()).isEqualTo("resolvers");
        assertThat(line.get("endpoint").asText()).isEqualTo(echo.address());
        assertThat(line.get("bytes_in").asLong()).isEqualTo(4);
        assertThat(line.get("bytes_out").asLong()).isEqualTo(replyLength);
        assertThat(line.get("termination").asText()).isEqualTo("idle timeout 200ms");
    }

    @Test
    void aTemplateWithAnHttpOnlyVariableIsAConfigError() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                l4_access_log: { format: '$downstream_ip $method' }
                listeners: []
                clusters: []
                """, Path.of("weir.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("weir.yaml:1:")
                .hasMessageContaining("unknown variable $method");
    }
}
