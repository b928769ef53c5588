package io.weir.proxy;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * Keeps an epoll socket whose peer has sent its FIN registered with epoll, so that what is still to be
 * written to it can wait for room.
 *
 * <p>Netty 4.2 removes a socket from epoll (EPOLL_CTL_DEL) when its interest set becomes empty, but still
 * believes it added, so the next interest (EPOLLOUT, once the socket's send buffer fills) is an
 * EPOLL_CTL_MOD that fails with ENOENT, and Netty closes the channel, dropping what was queued for it. A
 * half-closed socket gets there at the FIN: EPOLLIN and EPOLLRDHUP are dropped, and when nothing is waiting
 * to be written the set is empty. A proxy goes on writing to that socket (the other direction's bytes, the
 * response to an HTTP client that shut its sending side after its request), so
 * the set is kept non-empty with EPOLLET: it asks for no event, and it makes the always-reported EPOLLHUP
 * and EPOLLERR edge-triggered (reported once, not on every loop turn). Nothing is read from the socket any
 * more (the tcp relay and the HTTP read-ahead ask for no read after the FIN), and for writes edge-triggered EPOLLOUT is enough: Netty arms it only once the
 * socket has refused bytes, so the room that frees up later is a new edge.
 */
public final class HalfClosedEpoll {

    private static final Logger log = LoggerFactory.getLogger(HalfClosedEpoll.class);
    private static final MethodHandle SET_FLAG = setFlag();

    private HalfClosedEpoll() {
    }

    /** Called at the FIN of {@code ch}'s peer, before Netty drops EPOLLRDHUP. A no-op on other transports. */
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
