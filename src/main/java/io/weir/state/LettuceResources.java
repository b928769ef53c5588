package io.weir.state;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Lettuce's client resources, on Weir's own event loops when it is given them: Lettuce then opens no I/O or
 * computation threads of its own, its connection lives on one of Weir's loops, and its answers complete there.
 * Lettuce asks its {@link EventLoopGroupProvider} for a group by class ({@code EpollEventLoopGroup},
 * {@code NioEventLoopGroup}) and picks the channel class by what it detects (epoll when Netty's native epoll
 * loads). Weir's loops are Netty 4.2 {@code MultiThreadIoEventLoopGroup}s, which are neither, but what matters to
 * Netty is that the channel fits the loop's I/O handler: so the provider hands out Weir's group whatever class is
 * asked, when Lettuce's channel class is the one Weir's transport uses (both epoll, or both NIO under
 * {@code -Dweir.nio=true}, where Lettuce still picks epoll and so keeps its own threads). Neither Lettuce nor its
 * resources ever shut Weir's loops down: Weir does, after closing the Redis connection.
 */
final class LettuceResources {

    private static final Logger log = LoggerFactory.getLogger(LettuceResources.class);

    private LettuceResources() {
    }

    static ClientResources create(NettyLoops loops) {
        if (loops == null) {
            return DefaultClientResources.create();
        }
        if (Transports.socketChannelClass() != loops.socketChannel()) {
            // Lettuce sets its own channel class on the bootstrap (a bootstrap takes one only once): it must be
            // the one that fits Weir's loops, else Lettuce keeps its own threads.
            log.info("state store: Lettuce would use {} on Weir's {} event loops; it keeps its own threads",
                    Transports.socketChannelClass().getSimpleName(), loops.socketChannel().getSimpleName());
            return DefaultClientResources.create();
        }
        return DefaultClientResources.builder()
                .eventLoopGroupProvider(new Provider(loops.group()))
                .eventExecutorGroup(loops.group())
                .build();
    }

    static boolean onSharedLoops(ClientResources resources) {
        return resources.eventLoopGroupProvider() instanceof Provider;
    }

    /** Weir's group for whatever class Lettuce asks; releasing or shutting it down is Weir's business. */
    private static final class Provider implements EventLoopGroupProvider {
        private final EventLoopGroup group;

        Provider(EventLoopGroup group) {
            this.group = group;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            return (T) group;
        }

        @Override
        public int threadPoolSize() {
            int n = 0;
            for (var ignored : group) {
                n++;
            }
            return n;
        }

        @Override
        public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout,
                                       TimeUnit unit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }

        @Override
        public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }
    }
}
