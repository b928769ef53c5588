package io.weir.runtime;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The native epoll transport where the platform has it, NIO otherwise. Upstream channels must be of
 * the same kind as the event loop they are registered on, so both come from here.
 *
 * @param splice whether TCP bytes can move between two sockets in the kernel (epoll's splice)
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerSocketChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel,
                        Class<? extends DatagramChannel> datagramChannel,
                        boolean splice) {

    /** Event loops unless {@code -Dweir.eventLoops=N} says otherwise: one per core. */
    public static int defaultEventLoops() {
        return Integer.getInteger("weir.eventLoops", Runtime.getRuntime().availableProcessors());
    }

    public static Transport best() {
        if (Epoll.isAvailable() && !Boolean.getBoolean("weir.nio")) {
            // -Dweir.splice=false keeps epoll but copies L4 bytes through user space (to compare, or to debug).
            boolean splice = !"false".equals(System.getProperty("weir.splice"));
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollDatagramChannel.class, splice);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, NioDatagramChannel.class, false);
    }

    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true), ioHandlerFactory);
    }
}
