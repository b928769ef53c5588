package io.weir.proxy.l4;

import io.weir.testing.TcpBackend;
import io.weir.testing.TcpClient;
import io.weir.testing.TestTls;
import io.weir.testing.TlsBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** TLS passthrough on a tcp listener, routed by the SNI of the ClientHello. */
class SniRoutingTest {

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

    private WeirHarness start(String a, String b, String fallback) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: tls
                    protocol: tcp
                    listen: 127.0.0.1:0
                    cluster: fallback
                    preamble_timeout: 300ms
                    sni_routes:
                      - { server_names: [ a.example.com ], cluster: a }
                      - { server_names: [ "*.example.org", b.example.com ], cluster: b }
                clusters:
                  - { name: a, endpoints: [ %s ] }
                  - { name: b, endpoints: [ %s ] }
                  - { name: fallback, endpoints: [ %s ] }
                """.formatted(a, b, fallback)));
    }

    private static String exchange(SSLSocket s, String line) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    @Test
    void eachServerNameReachesItsCluster() throws Exception {
        TlsBackend a = track(TlsBackend.named("A"));
        TlsBackend b = track(TlsBackend.named("B"));
        TlsBackend c = track(TlsBackend.named("C"));
        WeirHarness weir = start(a.address(), b.address(), c.address());
        int port = weir.port("tls");
        try (SSLSocket s = TestTls.connect(port, "a.example.com")) {
            assertThat(exchange(s, "hi")).isEqualTo("A a.example.com hi");
        }
        try (SSLSocket s = TestTls.connect(port, "www.example.org")) {
            assertThat(exchange(s, "hi")).isEqualTo("B www.example.org hi");
        }
        try (SSLSocket s = TestTls.connect(port, "b.example.com")) {
            assertThat(exchange(s, "hi")).isEqualTo("B b.example.com hi");
        }
        // The wildcard covers one label only; anything else goes to the listener's cluster.
        try (SSLSocket s = TestTls.connect(port, "x.y.example.org")) {
            assertThat(exchange(s, "hi")).isEqualTo("C x.y.example.org hi");
        }
        try (SSLSocket s = TestTls.connect(port, "localhost")) {
            assertThat(exchange(s, "hi")).isEqualTo("C localhost hi");
        }
        try (SSLSocket s = TestTls.connect(port, null)) {
            assertThat(exchange(s, "no sni")).isEqualTo("C - no sni");
        }
    }

    @Test
    void opensslSClientIsRoutedByItsServerName() throws Exception {
        assumeThat(onPath("openssl")).as("openssl installed").isTrue();
        TlsBackend a = track(TlsBackend.named("A"));
        TlsBackend b = track(TlsBackend.named("B"));
        WeirHarness weir = start(a.address(), b.address(), b.address());
        Process p = new ProcessBuilder("openssl", "s_client", "-quiet", "-connect", "127.0.0.1:" + weir.port("tls"),
                "-servername", "a.example.com").redirectErrorStream(false).start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write("from openssl\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            String reply = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(reply).isEqualTo("A a.example.com from openssl");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aHelloSplitAcrossSegmentsIsReassembledAndReplayedByteForByte() throws Exception {
        TcpBackend a = track(TcpBackend.named("A"));
        TcpBackend other = track(TcpBackend.named("other"));
        WeirHarness weir = start(a.address(), other.address(), other.address());
        byte[] hello = TestTls.clientHello("a.example.com");
        TcpClient c = track(TcpClient.connect(weir.port("tls")));
        OutputStream out = c.socket().getOutputStream();
        int[] cuts = {1, 4, 9, 60, hello.length};
        int from = 0;
        for (int cut : cuts) {
            out.write(hello, from, cut - from);
            out.flush();
            from = cut;
        }
        assertThat(c.readLine()).isEqualTo("A\n");
        byte[] echoed = c.socket().getInputStream().readNBytes(hello.length);
        assertThat(Arrays.equals(echoed, hello)).as("the hello reaches the upstream unchanged").isTrue();
    }

    @Test
    void nonTlsBytesAreClosedWithoutAnUpstream() throws Exception {
        TcpBackend backend = track(TcpBackend.named("any"));
        WeirHarness weir = start(backend.address(), backend.address(), backend.address());
        TcpClient c = track(TcpClient.connect(weir.port("tls")));
        c.send("GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
        assertThat(c.readUntilClosed()).isEmpty();
        assertThat(backend.connections()).isZero();
    }

    @Test
    void aMalformedHelloIsClosed() throws Exception {
        TcpBackend backend = track(TcpBackend.named("any"));
        WeirHarness weir = start(backend.address(), backend.address(), backend.address());
        byte[] hello = TestTls.clientHello("a.example.com");
        // Claim a longer session id than the hello holds: lengths that run past their block.
        hello[5 + 4 + 2 + 32] = (byte) 0xff;
        TcpClient c = track(TcpClient.connect(weir.port("tls")));
        c.socket().getOutputStream().write(hello);
        assertThat(c.readUntilClosed()).isEmpty();
        assertThat(backend.connections()).isZero();
    }

    @Test
    void aClientThatSendsNothingIsClosedAfterThePreambleTimeout() throws Exception {
        TcpBackend backend = track(TcpBackend.named("any"));
        WeirHarness weir = start(backend.address(), backend.address(), backend.address());
        TcpClient c = track(TcpClient.connect(weir.port("tls")));
        assertThat(c.readUntilClosed()).isEmpty();
        assertThat(backend.connections()).isZero();
    }
}
