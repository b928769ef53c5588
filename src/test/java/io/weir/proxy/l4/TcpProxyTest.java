package io.weir.proxy.l4;

import io.weir.testing.Ports;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.testing.TcpBackend;
import io.weir.testing.TcpClient;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** tcp listeners over real sockets: bytes both ways, half-close, reset, failover, balancing, idle timeout. */
class TcpProxyTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        System.clearProperty("weir.splice");
    }

    private WeirHarness start(boolean splice, String listenerLines, String clusterLines, String... endpoints)
            throws Exception {
        System.setProperty("weir.splice", String.valueOf(splice));
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - name: db
                    protocol: tcp
                    listen: 127.0.0.1:0
                    cluster: app
                """);
        yaml.append(listenerLines.indent(4)).append("""
                clusters:
                  - name: app
                """).append(clusterLines.indent(4)).append("    endpoints:\n");
        for (String e : endpoints) {
            yaml.append("      - ").append(e).append('\n');
        }
        WeirHarness weir = WeirHarness.start(yaml.toString());
        open.add(weir);
        return weir;
    }

    private TcpBackend backend(String name) throws IOException {
        TcpBackend b = TcpBackend.named(name);
        open.add(b);
        return b;
    }

    private TcpClient client(WeirHarness weir) throws IOException {
        TcpClient c = TcpClient.connect(weir.port("db"));
        open.add(c);
        return c;
    }

    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {true, false})
    void bytesGoBothWays(boolean splice) throws Exception {
        TcpBackend backend = backend("a");
        WeirHarness weir = start(splice, "", "", backend.address());
        TcpClient c = client(weir);
        assertThat(c.readLine()).isEqualTo("a\n");
        String big = "x".repeat(256 * 1024);
        c.send("hello ").send(big);
        assertThat(c.read(6 + big.length())).isEqualTo("hello " + big);
    }

    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {true, false})
    void aClientThatShutsDownItsOutputStillGetsTheReply(boolean splice) throws Exception {
        TcpBackend backend = backend("a");
        WeirHarness weir = start(splice, "", "", backend.address());
        TcpClient c = client(weir);
        c.send("ping");
        c.shutdownOutput();
        // The backend saw the FIN (it answers <eof> only then) and its own FIN came back.
        assertThat(c.readToEnd()).isEqualTo("a\nping<eof>");
    }

    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {true, false})
    void theFinFollowsEveryByteSentBeforeIt(boolean splice) throws Exception {
        TcpBackend backend = backend("a");
        WeirHarness weir = start(splice, "", "", backend.address());
        TcpClient c = client(weir);
        assertThat(c.readLine()).isEqualTo("a\n");
        String big = "y".repeat(4 << 20);
        // Written from another thread: the echo comes back while we are still sending.
        Thread writer = new Thread(() -> {
            try {
                c.send(big);
                c.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        String reply = c.readToEnd();
        writer.join();
        assertThat(reply.length()).isEqualTo(big.length() + "<eof>".length());
        assertThat(reply).endsWith("y<eof>");
    }

    /**
     * Many connections at once, each sending a different amount then its FIN while the echo is still coming
     * back: the FIN often arrives while earlier bytes still wait in the proxy (a splice pipe, a full socket).
     * Every byte must come back in order, then the backend's {@code <eof>}, then the FIN.
     */
    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {true, false})
    void everyConnectionGetsEveryByteBeforeItsFin(boolean splice) throws Exception {
        TcpBackend backend = backend("a");
        WeirHarness weir = start(splice, "", "", backend.address());
        int connections = 16;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            for (int round = 0; round < 4; round++) {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    int size = sizeOf(round, i);
                    int seed = round * connections + i;
                    TcpClient c = client(weir);
                    done.add(pool.submit(() -> {
                        sendPatternThenFin(c, seed, size);
                        return null;
                    }));
                    done.add(pool.submit(() -> {
                        assertEchoOfPattern(c, seed, size);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A client that sends its request and its FIN at once, then reads a reply larger than the socket buffers
     * (an HTTP/1.0 client, {@code nc -N}): the reply only starts after the FIN, so the downstream socket has
     * nothing queued when the FIN arrives and fills up later.
     */
    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {true, false})
    void aReplyStartedAfterTheClientsFinArrivesWhole(boolean splice) throws Exception {
        int replySize = 16 << 20;
        ReplyAfterFinBackend backend = new ReplyAfterFinBackend(replySize);
        open.add(backend);
        WeirHarness weir = start(splice, "", "", "127.0.0.1:" + backend.port());
        for (int i = 0; i < 3; i++) {
            TcpClient c = client(weir);
            c.send("request");
            c.shutdownOutput();
            byte[] reply = c.socket().getInputStream().readAllBytes();
            assertThat(reply.length).isEqualTo(replySize);
            BytePattern.check(reply, i, replySize);
        }
    }

    /** Reads each connection's request to its FIN, then writes {@link BytePattern} bytes and closes. */
    private static final class ReplyAfterFinBackend implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        ReplyAfterFinBackend(int replySize) throws IOException {
            Thread t = new Thread(() -> {
                for (int seed = 0; !server.isClosed(); seed++) {
                    try (Socket s = server.accept()) {
                        s.getInputStream().readAllBytes();
                        BytePattern.send(s.getOutputStream(), seed, replySize);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "reply-after-fin-backend");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** From a few bytes to 6 MiB, spread so that every round mixes small and large streams. */
    private static int sizeOf(int round, int i) {
        int[] scale = {7, 60_000, 4 << 20, 4 << 20};
        int base = scale[(i + round) % scale.length];
        return base + (i * 7919 + round * 104_729) % (base / 2 + 1);
    }

    private static void sendPatternThenFin(TcpClient c, int seed, int size) throws IOException {
        BytePattern.send(c.socket().getOutputStream(), seed, size);
        c.shutdownOutput();
    }

    private static void assertEchoOfPattern(TcpClient c, int seed, int size) throws IOException {
        assertThat(c.readLine()).isEqualTo("a\n");
        byte[] reply = c.socket().getInputStream().readAllBytes();
        byte[] eof = "<eof>".getBytes(StandardCharsets.US_ASCII);
        assertThat(reply.length).as("bytes echoed for a stream of %d", size).isEqualTo(size + eof.length);
        BytePattern.check(reply, seed, size);
        assertThat(Arrays.copyOfRange(reply, size, reply.length)).isEqualTo(eof);
    }

    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {true, false})
    void anUpstreamResetReachesTheClientAsAReset(boolean splice) throws Exception {
        TcpBackend backend = backend("a");
        WeirHarness weir = start(splice, "", "", backend.address());
        TcpClient c = client(weir);
        assertThat(c.readLine()).isEqualTo("a\n");
        c.send("reset");
        assertThatThrownBy(c::readToEnd).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }

    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {true, false})
    void aClientResetReachesTheUpstreamAsAReset(boolean splice) throws Exception {
        TcpBackend backend = backend("a");
        WeirHarness weir = start(splice, "", "", backend.address());
        TcpClient c = client(weir);
        assertThat(c.readLine()).isEqualTo("a\n");
        c.reset();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.resetsSeen() == 1);
    }

    @Test
    void aRefusedConnectIsRetriedOnAnotherEndpoint() throws Exception {
        int refused = Ports.free();
        TcpBackend backend = backend("a");
        WeirHarness weir = start(true, "", "", "127.0.0.1:" + refused, backend.address());
        for (int i = 0; i < 4; i++) {
            try (TcpClient c = TcpClient.connect(weir.port("db"))) {
                assertThat(c.readLine()).isEqualTo("a\n");
            }
        }
        assertThat(backend.connections()).isEqualTo(4);
    }

    @Test
    void leastConnectionsCountsOpenConnections() throws Exception {
        TcpBackend a = backend("a");
        TcpBackend b = backend("b");
        WeirHarness weir = start(true, "", "balance: least_connections\n", a.address(), b.address());
        Cluster cluster = weir.weir().clusters().require("app");
        TcpClient held = client(weir);
        String heldOn = held.readLine();
        for (int i = 0; i < 4; i++) {
            try (TcpClient c = TcpClient.connect(weir.port("db"))) {
                assertThat(c.readLine()).isNotEqualTo(heldOn);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> outstanding(cluster) == 1);
        }
        held.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> outstanding(cluster) == 0);
    }

    @Test
    void maglevOnSourceIpKeepsAClientOnOneEndpoint() throws Exception {
        TcpBackend a = backend("a");
        TcpBackend b = backend("b");
        TcpBackend c = backend("c");
        WeirHarness weir = start(true, "", "balance: maglev\n", a.address(), b.address(), c.address());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            try (TcpClient client = TcpClient.connect(weir.port("db"))) {
                seen.add(client.readLine());
            }
        }
        // Every connection comes from 127.0.0.1: one key, one endpoint (round robin would have used all three).
        assertThat(seen).hasSize(1);
    }

    private static int outstanding(Cluster cluster) {
        return cluster.endpoints().stream().mapToInt(Endpoint::outstanding).sum();
    }

    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {true, false})
    void anIdleConnectionIsClosed(boolean splice) throws Exception {
        TcpBackend backend = backend("a");
        WeirHarness weir = start(splice, "idle_timeout: 200ms\n", "", backend.address());
        TcpClient c = client(weir);
        assertThat(c.readLine()).isEqualTo("a\n");
        c.send("ping");
        assertThat(c.read(4)).isEqualTo("ping");
        // Weir closes both sides; the backend answers the FIN with <eof> before the close reaches the client.
        assertThat(c.readToEnd()).isIn("", "<eof>");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> outstanding(weir.weir().clusters().require("app")) == 0);
    }

    @Test
    void maxConnectionsHoldsFurtherClientsInTheBacklog() throws Exception {
        TcpBackend backend = backend("a");
        WeirHarness weir = start(true, "max_connections: 1\n", "", backend.address());
        TcpClient first = client(weir);
        assertThat(first.readLine()).isEqualTo("a\n");
        TcpClient second = client(weir);
        second.send("queued");
        first.close();
        // Accepted only once the first one is gone.
        assertThat(second.readLine()).isEqualTo("a\n");
        assertThat(second.read(6)).isEqualTo("queued");
    }
}
