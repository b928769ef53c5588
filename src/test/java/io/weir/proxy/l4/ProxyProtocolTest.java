package io.weir.proxy.l4;

import io.weir.testing.RawBackend;
import io.weir.testing.TcpBackend;
import io.weir.testing.TcpClient;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** PROXY protocol v1/v2: sent to endpoints per cluster, accepted from trusted sources per listener. */
class ProxyProtocolTest {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T t) {
        open.add(t);
        return t;
    }

    private WeirHarness start(String listenerLines, String clusterLines, TcpBackend backend) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: db
                    protocol: tcp
                    listen: 127.0.0.1:0
                    cluster: app
                %s
                clusters:
                  - name: app
                %s
                    endpoints: [ %s ]
                """.formatted(listenerLines.indent(4).stripTrailing(), clusterLines.indent(4).stripTrailing(),
                backend.address())));
    }

    @Test
    void v1IsSentFirstWithTheClientsAddress() throws Exception {
        TcpBackend backend = track(TcpBackend.named("a"));
        WeirHarness weir = start("", "proxy_protocol: v1", backend);
        TcpClient c = track(TcpClient.connect(weir.port("db")));
        c.send("hello");
        String expected = "PROXY TCP4 127.0.0.1 127.0.0.1 " + c.socket().getLocalPort() + " " + weir.port("db")
                + "\r\n";
        // The backend greets, then echoes exactly what it received.
        assertThat(c.readLine()).isEqualTo("a\n");
        assertThat(c.read(expected.length() + 5)).isEqualTo(expected + "hello");
    }

    @Test
    void v2IsSentFirstWithTheClientsAddress() throws Exception {
        TcpBackend backend = track(TcpBackend.named("a"));
        WeirHarness weir = start("", "proxy_protocol: v2", backend);
        TcpClient c = track(TcpClient.connect(weir.port("db")));
        c.send("hello");
        byte[] expected = v2(new byte[] {127, 0, 0, 1}, new byte[] {127, 0, 0, 1}, c.socket().getLocalPort(),
                weir.port("db"), 0x21);
        assertThat(c.readLine()).isEqualTo("a\n");
        assertThat(c.socket().getInputStream().readNBytes(expected.length)).isEqualTo(expected);
        assertThat(c.read(5)).isEqualTo("hello");
    }

    @Test
    void aTrustedV2HeaderBecomesTheClientPassedOnAsV1() throws Exception {
        TcpBackend backend = track(TcpBackend.named("a"));
        WeirHarness weir = start("""
                accept_proxy_protocol: true
                trusted_proxy_protocol_sources: [ 127.0.0.0/8 ]""", "proxy_protocol: v1", backend);
        TcpClient c = track(TcpClient.connect(weir.port("db")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(v2(new byte[] {(byte) 203, 0, 113, 7}, new byte[] {(byte) 198, 51, 100, 1}, 5555, 443, 0x21));
        out.write("hi".getBytes(StandardCharsets.US_ASCII));
        // Split inside the header: it is reassembled.
        byte[] bytes = out.toByteArray();
        c.socket().getOutputStream().write(bytes, 0, 10);
        c.socket().getOutputStream().flush();
        c.socket().getOutputStream().write(bytes, 10, bytes.length - 10);
        String expected = "PROXY TCP4 203.0.113.7 198.51.100.1 5555 443\r\nhi";
        assertThat(c.readLine()).isEqualTo("a\n");
        assertThat(c.read(expected.length())).isEqualTo(expected);
    }

    @Test
    void aTrustedV1Ipv6HeaderIsPassedOnAsV2() throws Exception {
        TcpBackend backend = track(TcpBackend.named("a"));
        WeirHarness weir = start("""
                accept_proxy_protocol: true
                trusted_proxy_protocol_sources: [ 127.0.0.1 ]""", "proxy_protocol: v2", backend);
        TcpClient c = track(TcpClient.connect(weir.port("db")));
        c.send("PROXY TCP6 2001:db8::7 2001:db8::1 40000 6379\r\nhi");
        byte[] src = new byte[16];
        byte[] dst = new byte[16];
        src[0] = 0x20;
        src[1] = 0x01;
        src[2] = 0x0d;
        src[3] = (byte) 0xb8;
        System.arraycopy(src, 0, dst, 0, 4);
        src[15] = 7;
        dst[15] = 1;
        byte[] expected = v2(src, dst, 40000, 6379, 0x21);
        assertThat(c.readLine()).isEqualTo("a\n");
        assertThat(c.socket().getInputStream().readNBytes(expected.length)).isEqualTo(expected);
        assertThat(c.read(2)).isEqualTo("hi");
    }

    @Test
    void aLocalV2HeaderKeepsTheSocketsAddress() throws Exception {
        TcpBackend backend = track(TcpBackend.named("a"));
        WeirHarness weir = start("""
                accept_proxy_protocol: true
                trusted_proxy_protocol_sources: [ 127.0.0.0/8 ]""", "proxy_protocol: v1", backend);
        TcpClient c = track(TcpClient.connect(weir.port("db")));
        ByteBuffer local = ByteBuffer.allocate(16).put(SIGNATURE).put((byte) 0x20).put((byte) 0).putShort((short) 0);
        c.socket().getOutputStream().write(local.array());
        c.send("hi");
        String expected = "PROXY TCP4 127.0.0.1 127.0.0.1 " + c.socket().getLocalPort() + " " + weir.port("db")
                + "\r\nhi";
        assertThat(c.readLine()).isEqualTo("a\n");
        assertThat(c.read(expected.length())).isEqualTo(expected);
    }

    @Test
    void aMissingOrMalformedHeaderIsClosed() throws Exception {
        TcpBackend backend = track(TcpBackend.named("a"));
        WeirHarness weir = start("""
                accept_proxy_protocol: true
                trusted_proxy_protocol_sources: [ 127.0.0.0/8 ]""", "", backend);
        for (String bad : List.of("hello\r\n", "PROXY TCP4 1.2.3.4 5.6.7.8 99999 1\r\n", "PROXY TCP4 ::1 ::1 1 2\r\n",
                "PROXY " + "x".repeat(200))) {
            try (TcpClient c = TcpClient.connect(weir.port("db"))) {
                c.send(bad);
                assertThat(c.readUntilClosed()).as(bad).isEmpty();
            }
        }
        assertThat(backend.connections()).isZero();
    }

    @Test
    void anUntrustedSourceIsClosedEvenWithAHeader() throws Exception {
        TcpBackend backend = track(TcpBackend.named("a"));
        WeirHarness weir = start("""
                accept_proxy_protocol: true
                trusted_proxy_protocol_sources: [ 10.0.0.0/8 ]""", "", backend);
        TcpClient c = track(TcpClient.connect(weir.port("db")));
        c.send("PROXY TCP4 203.0.113.7 198.51.100.1 5555 443\r\nhi");
        assertThat(c.readUntilClosed()).isEmpty();
        assertThat(backend.connections()).isZero();
    }

    @Test
    void anHttpClusterGetsTheHeaderOnEachConnectionOfItsOwnClient() throws Exception {
        RawBackend backend = track(RawBackend.answering("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"));
        WeirHarness weir = track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes: [ { cluster: app } ]
                clusters:
                  - name: app
                    proxy_protocol: v1
                    endpoints: [ %s ]
                """.formatted(backend.address())));
        assertThat(weir.get("/a").body()).isEqualTo("ok");
        assertThat(weir.get("/b").body()).isEqualTo("ok");
        // Never pooled: a connection that carries one client's address is not handed to another.
        assertThat(backend.connections()).isEqualTo(2);
        String proxyLine = "PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ " + weir.port() + "\r\n";
        assertThat(backend.heads().get(0)).matches("(?s)" + proxyLine + "GET /a HTTP/1\\.1\r\n.*");
        assertThat(backend.heads().get(1)).matches("(?s)" + proxyLine + "GET /b HTTP/1\\.1\r\n.*");
    }

    private static byte[] v2(byte[] src, byte[] dst, int srcPort, int dstPort, int verCmd) {
        int family = src.length == 4 ? 0x11 : 0x21;
        int length = 2 * src.length + 4;
        ByteBuffer b = ByteBuffer.allocate(16 + length);
        b.put(SIGNATURE).put((byte) verCmd).put((byte) family).putShort((short) length);
        b.put(src).put(dst).putShort((short) srcPort).putShort((short) dstPort);
        return b.array();
    }
}
