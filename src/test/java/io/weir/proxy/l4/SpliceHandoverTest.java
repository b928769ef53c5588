package io.weir.proxy.l4;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.weir.proxy.HalfClosure;
import io.weir.testing.TcpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The handover to the splice pump when Netty still moved bytes while the channels were being taken from it (it
 * reads at a FIN even with no read asked): the channels go back to Netty and the session copies. That moment
 * cannot be timed from outside, so the test plays Netty's read itself, in the loop turn that starts splicing.
 */
class SpliceHandoverTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ServerSocket clientSide = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final TcpBackend backend = TcpBackend.named("a");

    SpliceHandoverTest() throws IOException {
    }

    @AfterEach
    void close() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        clientSide.close();
        backend.close();
    }

    @Test
    void bytesNettyReadDuringTheHandoverGoOutAndTheSessionCopiesFromThen() throws Exception {
        assumeTrue(Epoll.isAvailable());
        // "downstream" is a connection to a socket this test plays the client on; "upstream" goes to the backend.
        Channel downstream = connect(clientSide.getLocalPort());
        Socket client = clientSide.accept();
        // A session that never moves the bytes fails the test instead of hanging it.
        client.setSoTimeout(10_000);
        Channel upstream = connect(backend.port());
        TcpSession session = new TcpSession(downstream, upstream);
        downstream.pipeline().addLast(new Relay(session));
        upstream.pipeline().addLast(new Relay(session));
        downstream.eventLoop().submit(() -> {
            session.splice(upstream.newSucceededFuture());
            // What Netty does at a FIN before the deregistration runs: read and pass on.
            downstream.pipeline().fireChannelRead(Unpooled.copiedBuffer("early ", StandardCharsets.US_ASCII));
        }).sync();

        client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();
        // The greeting, the early bytes and "ping" echoed, then <eof> at the FIN passed on, then the backend's FIN.
        String reply = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(reply).isEqualTo("a\nearly ping<eof>");
        assertThat(downstream.eventLoop().submit(session::spliced).get()).as("copied, not spliced").isFalse();
        client.close();
    }

    private Channel connect(int port) throws InterruptedException {
        return new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(HalfClosure.INSTANCE)
                .connect(InetAddress.getLoopbackAddress(), port).sync().channel();
    }
}
