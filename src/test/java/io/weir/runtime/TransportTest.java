package io.weir.runtime;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code -Dweir.transport}: the names it takes, and what a wrong one gets. */
class TransportTest {

    private static final String DEFAULT = Epoll.isAvailable() ? "epoll" : "nio";

    @Test
    void namesTheTransportAskedFor() {
        assertThat(Transport.named("epoll").name()).isEqualTo(DEFAULT);
        assertThat(Transport.named("nio").name()).isEqualTo("nio");
        assertThat(Transport.named("nio").splice()).isFalse();
    }

    @Test
    void anUnknownNameGetsTheDefaultTransport() {
        assertThat(Transport.named("iouring").name()).isEqualTo(DEFAULT);
    }

    @Test
    void makesStreamChannelsOfItsOwnKind() {
        for (String name : new String[] {"epoll", "nio"}) {
            Transport transport = Transport.named(name);
            SocketChannel channel = transport.newSocketChannel();
            try {
                assertThat(channel).isInstanceOf(transport.socketChannel());
            } finally {
                channel.unsafe().closeForcibly();
            }
        }
    }
}
