package io.weir.proxy.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.weir.testing.Ports;
import io.weir.testing.SocketTest;
import io.weir.testing.WeirHarness;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A WebSocket through Weir: the handshake is forwarded, then frames flow both ways through a tunnel. */
class WebSocketTest extends SocketTest {

    /** A WebSocket server that answers every text frame with "echo: " and the text. */
    private static final class EchoServer implements AutoCloseable {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final Channel channel;

        EchoServer() throws InterruptedException {
            channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler("/ws"),
                                    new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + f.text()));
                                        }
                                    });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A JDK WebSocket client through Weir: what it received, and whether the connection ended (close or error). */
    private static final class Client {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        final WebSocket ws;

        Client(WeirHarness weir) throws Exception {
            ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + weir.port() + "/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            received.add(data.toString());
                            webSocket.request(1);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket webSocket, Throwable error) {
                            closed.complete(null);
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            closed.complete(null);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
        }

        void echoes(String text) throws Exception {
            ws.sendText(text, true).get(10, TimeUnit.SECONDS);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo: " + text);
        }
    }

    /** Weir with one route to the echo server's cluster {@code app}, with extra listener and cluster keys. */
    private WeirHarness weir(EchoServer server, String listenerKeys, String clusterKeys) throws Exception {
        return track(WeirHarness.start("""
                listeners:
                  - name: web
                    listen: 127.0.0.1:0
                    %s
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    %s
                    endpoints: [ "127.0.0.1:%d" ]
                """.formatted(listenerKeys, clusterKeys, server.port())));
    }

    @Test
    void framesFlowBothWaysAfterTheUpgrade() throws Exception {
        EchoServer server = track(new EchoServer());
        Client client = new Client(weir(server, "", ""));
        for (int i = 0; i < 3; i++) {
            client.echoes("hello " + i);
        }
        client.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSilentTunnelIsClosedAfterTheListenersIdleTimeout() throws Exception {
        EchoServer server = track(new EchoServer());
        Client client = new Client(weir(server, "idle_timeout: 300ms", ""));
        // Nothing is sent: Weir closes the tunnel, and the client learns of it.
        client.closed.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aGracefulShutdownLetsAnOpenTunnelRunUntilItsTimeout() throws Exception {
        EchoServer server = track(new EchoServer());
        WeirHarness weir = weir(server, "", "");
        Client client = new Client(weir);
        client.echoes("before");
        CompletableFuture<Boolean> shutdown = weir.shutdownGracefullyInBackground(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Ports.accepts(weir.port()));
        // Like a request in flight, the open WebSocket goes on; shutdown_timeout is what ends it.
        client.echoes("during");
        assertThat(shutdown.get(20, TimeUnit.SECONDS)).as("cut at the timeout, not finished").isFalse();
        client.closed.get(20, TimeUnit.SECONDS);
    }

    @Test
    void drainingTheEndpointClosesItsTunnelsAtTheDrainTimeout() throws Exception {
        EchoServer server = track(new EchoServer());
        WeirHarness weir = weir(server, "", "drain_timeout: 300ms");
        Client client = new Client(weir);
        client.echoes("before");
        String endpoint = "127.0.0.1:" + server.port();
        // The tunnel is an open upstream connection of the endpoint: the drain waits for it, then cuts it.
        assertThat(weir.weir().clusters().require("app").endpoint(endpoint).orElseThrow().connections()).isEqualTo(1);
        assertThat(weir.weir().drainEndpoint("app", endpoint).get(10, TimeUnit.SECONDS)).isFalse();
        client.closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPlainRequestStillCannotUpgradeWithoutTheHandshake() throws Exception {
        EchoServer server = track(new EchoServer());
        WeirHarness weir = track(WeirHarness.forward("127.0.0.1:" + server.port()));
        // Upgrade without Connection: upgrade is not a handshake: the headers are hop-by-hop and removed.
        assertThat(weir.get("/ws").statusCode()).isEqualTo(400);
    }
}
