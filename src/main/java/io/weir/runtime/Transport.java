package io.weir.runtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * The native epoll transport where the platform has it, NIO otherwise, io_uring when asked for. Upstream
 * channels must be of the same kind as the event loop they are registered on, so both come from here:
 * stream channels through {@link #newSocketChannel()} and {@link #childHandler}, which add what the
 * transport needs in every pipeline.
 *
 * @param socketChannels makes the client stream channels of {@code socketChannel}'s class, directly rather than by
 *                       reflection (a tcp listener makes one per downstream connection), with what the transport
 *                       needs in their pipeline
 * @param splice whether TCP bytes can move between two sockets in the kernel (epoll's splice)
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerSocketChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel,
                        Supplier<SocketChannel> socketChannels,
                        Class<? extends DatagramChannel> datagramChannel,
                        boolean splice) {

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    /** Event loops unless {@code -Dweir.eventLoops=N} says otherwise: one per core. */
    public static int defaultEventLoops() {
        return Integer.getInteger("weir.eventLoops", Runtime.getRuntime().availableProcessors());
    }

    /**
     * epoll where the platform has it, NIO otherwise; io_uring only when asked for with
     * {@code -Dweir.transport=io_uring} (it has no splice and cannot take over listening sockets in an
     * {@code --upgrade}).
     */
    public static Transport best() {
        return named(System.getProperty("weir.transport", Boolean.getBoolean("weir.nio") ? "nio" : "epoll"));
    }

    /** The transport {@code asked} for (epoll, io_uring, nio), or the best one this platform has instead. */
    public static Transport named(String asked) {
        if (asked.equals("io_uring")) {
            if (IoUring.isAvailable()) {
                return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                        IoUringSocketChannel.class, () -> guarded(new IoUringSocketChannel()),
                        IoUringDatagramChannel.class, false);
            }
            log.warn("io_uring is not available here ({}); using {}", IoUring.unavailabilityCause(),
                    Epoll.isAvailable() ? "epoll" : "nio");
            asked = "epoll";
        } else if (!asked.equals("epoll") && !asked.equals("nio")) {
            log.warn("unknown transport '{}' (expected epoll, io_uring or nio); using epoll", asked);
            asked = "epoll";
        }
        if (asked.equals("epoll") && Epoll.isAvailable()) {
            // -Dweir.splice=false keeps epoll but copies L4 bytes through user space (to compare, or to debug).
            boolean splice = !"false".equals(System.getProperty("weir.splice"));
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollSocketChannel::new, EpollDatagramChannel.class, splice);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, NioSocketChannel::new, NioDatagramChannel.class, false);
    }

    /** A client stream channel, for {@code Bootstrap.channelFactory(transport::newSocketChannel)}. */
    public SocketChannel newSocketChannel() {
        return socketChannels.get();
    }

    /** What a server bootstrap gets as its child handler: {@code child}, behind what this transport needs. */
    public ChannelHandler childHandler(ChannelHandler child) {
        if (!name.equals("io_uring")) {
            return child;
        }
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                guarded(ch).pipeline().addLast(child);
            }
        };
    }

    /** An io_uring stream channel with its {@link ReadAfterCloseGuard}. */
    private static <C extends Channel> C guarded(C channel) {
        channel.pipeline().addFirst(new ReadAfterCloseGuard());
        return channel;
    }

    /** Event loops whose threads keep a {@link LoopClock} each. */
    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        DefaultThreadFactory loopThreads = new DefaultThreadFactory(threadPrefix, true) {
            @Override
            protected Thread newThread(Runnable task, String name) {
                return new LoopClock.LoopThread(threadGroup, task, name);
            }
        };
        return new MultiThreadIoEventLoopGroup(threads, loopThreads, LoopClock.turning(ioHandlerFactory));
    }
}
