package io.weir.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * First handler of every socket Weir opens with half-closure allowed (each accepted downstream connection, each
 * tcp listener's upstream connection): after the peer's FIN, what is still to be written to the socket gets
 * written, and nothing more is read from it.
 *
 * <p>Netty 4.2's epoll transport removes a socket from epoll (EPOLL_CTL_DEL) when its interest set becomes
 * empty, but still believes it added, so the next interest is an EPOLL_CTL_MOD that fails with ENOENT, and
 * Netty closes the channel, dropping what was queued for it. A half-closed socket gets there at the FIN: EPOLLIN
 * and EPOLLRDHUP are dropped, and when nothing is waiting to be written the set is empty. A proxy goes on
 * writing to that socket (the other direction's bytes; the response to an HTTP client that shut its sending
 * side after its request), so at the FIN the set is kept non-empty with EPOLLET: it asks for no event, and it
 * makes the always-reported EPOLLHUP and EPOLLERR edge-triggered (reported once, not on every loop turn). For
 * writes, edge-triggered EPOLLOUT is enough: Netty arms it only once the socket has refused bytes, so the room
 * that frees up later is a new edge.
 *
 * <p>A read asked after the FIN is dropped here, whoever asks: there is nothing left to read, and on epoll it
 * would re-arm EPOLLIN, which is the interest change that fails when the socket was removed, and which on a
 * socket at EOF would wake the loop on every turn.
 */
@ChannelHandler.Sharable
public final class HalfClosure extends ChannelDuplexHandler {

    public static final HalfClosure INSTANCE = new HalfClosure();

    private static final Logger log = LoggerFactory.getLogger(HalfClosure.class);
    private static final MethodHandle SET_FLAG = setFlag();

    private HalfClosure() {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            keepRegistered(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!(ctx.channel() instanceof DuplexChannel duplex) || !duplex.isInputShutdown()) {
            ctx.read();
        }
    }

    /**
     * Keeps {@code ch} in epoll once its interest set empties. Also for a channel registered again after a FIN,
     * since deregistering resets its interest. A no-op on other transports, which keep a socket registered
     * whatever its interest.
     */
    public static void keepRegistered(Channel ch) {
        if (SET_FLAG == null || !(ch instanceof AbstractEpollStreamChannel epoll) || !ch.isOpen()) {
            return;
        }
        try {
            SET_FLAG.invokeExact(epoll, Native.EPOLLET);
        } catch (Throwable e) {
            log.debug("could not keep {} registered with epoll: {}", ch, e.toString());
        }
    }

    /**
     * {@code setFlag(int)} is protected, on a package-private class (AbstractEpollChannel): Weir runs on the
     * class path, where it opens.
     */
    private static MethodHandle setFlag() {
        try {
            Method m = AbstractEpollStreamChannel.class.getSuperclass().getDeclaredMethod("setFlag", int.class);
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m)
                    .asType(MethodType.methodType(void.class, AbstractEpollStreamChannel.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.warn("epoll: cannot reach AbstractEpollChannel.setFlag ({}); a half-closed connection may be "
                    + "cut when its socket fills", e.toString());
            return null;
        }
    }
}
