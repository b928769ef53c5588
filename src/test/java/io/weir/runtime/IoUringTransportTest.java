package io.weir.runtime;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.weir.testing.RawHttp;
import io.weir.testing.TestBackend;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The opt-in io_uring transport ({@code -Dweir.transport=io_uring}). The whole suite also runs on it with
 * {@code mvn test -DextraArgLine=-Dweir.transport=io_uring}; these are the cases it once failed.
 */
class IoUringTransportTest {

    @BeforeAll
    static void ioUringIsHere() {
        assumeThat(IoUring.isAvailable()).as("io_uring on this kernel: " + IoUring.unavailabilityCause()).isTrue();
    }

    /**
     * A connect listener that writes and closes, then the pipeline's auto-read: without {@link ReadAfterCloseGuard}
     * the read is scheduled while the close waits for the write, and the socket never closes.
     */
    @Test
    void aChannelClosedInItsConnectListenerIsClosedForThePeer() throws Exception {
        Transport transport = Transport.named("io_uring");
        assertThat(transport.name()).isEqualTo("io_uring");
        EventLoopGroup group = transport.newGroup(1, "test-uring");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ChannelFuture connect = new Bootstrap().group(group).channelFactory(transport::newSocketChannel)
                    .handler(new ChannelInboundHandlerAdapter()).connect(server.getLocalSocketAddress());
            connect.addListener(f -> {
                connect.channel().writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
                connect.channel().close();
            });
            try (Socket peer = server.accept()) {
                peer.setSoTimeout(5_000);
                InputStream in = peer.getInputStream();
                assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
                assertThat(in.read()).as("end of stream: the channel closed").isEqualTo(-1);
            }
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void weirProxiesAndClosesAnUpstreamItGivesUpOn() throws Exception {
        try (TestBackend backend = TestBackend.named("ok"); WeirHarness weir = onIoUring("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    routes:
                      - cluster: app
                        max_body: 10
                clusters:
                  - name: app
                    endpoints:
                      - address: %s
                """.formatted(backend.address()))) {
            assertThat(weir.weir().transportName()).isEqualTo("io_uring");
            assertThat(weir.get("/a").statusCode()).isEqualTo(200);
            try (RawHttp client = new RawHttp(weir.port())) {
                // The head goes upstream at once; the second chunk passes max_body, so Weir closes that connection.
                client.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n");
                client.write("8\r\n12345678\r\n0\r\n\r\n");
                assertThat(client.readResponse().status()).isEqualTo(413);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.openConnections() == 0);
            assertThat(backend.received()).extracting(TestBackend.Received::uri).containsExactly("/a");
        }
    }

    private static WeirHarness onIoUring(String yaml) throws Exception {
        String before = System.setProperty("weir.transport", "io_uring");
        try {
            return WeirHarness.start(yaml, 1); // one loop: the POST reuses the pooled connection of the GET
        } finally {
            if (before == null) {
                System.clearProperty("weir.transport");
            } else {
                System.setProperty("weir.transport", before);
            }
        }
    }
}
