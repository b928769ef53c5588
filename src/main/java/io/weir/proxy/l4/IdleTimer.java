package io.weir.proxy.l4;

import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes a {@link TcpSession} when no byte has moved either way for the listener's {@code idle_timeout}.
 * One task per session, re-scheduled lazily for the time left rather than on every read. With splice the
 * bytes never reach Netty, so the kernel's own figures (TCP_INFO's time since data was last received on
 * each socket) tell when they last moved.
 */
final class IdleTimer implements Runnable {

    private final TcpSession session;
    private final long timeoutNanos;
    private ScheduledFuture<?> next;

    private IdleTimer(TcpSession session, long timeoutNanos) {
        this.session = session;
        this.timeoutNanos = timeoutNanos;
    }

    static void watch(TcpSession session, long timeoutNanos) {
        IdleTimer timer = new IdleTimer(session, timeoutNanos);
        timer.schedule(timeoutNanos);
        // Cancelled at the close, so a long idle_timeout does not keep closed sessions in the scheduler.
        session.upstream().closeFuture().addListener(f -> timer.next.cancel(false));
    }

    private void schedule(long afterNanos) {
        next = session.downstream().eventLoop().schedule(this, afterNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        if (!session.downstream().isOpen() && !session.upstream().isOpen()) {
            return;
        }
        long idle = idleNanos();
        if (idle >= timeoutNanos) {
            session.close("idle timeout " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + "ms");
        } else {
            schedule(timeoutNanos - idle);
        }
    }

    private long idleNanos() {
        if (session.spliced()
                && session.downstream() instanceof EpollSocketChannel down
                && session.upstream() instanceof EpollSocketChannel up
                && down.isOpen() && up.isOpen()) {
            long ms = Math.min(sinceReceived(down), sinceReceived(up));
            return TimeUnit.MILLISECONDS.toNanos(ms);
        }
        return System.nanoTime() - session.lastActivityNanos();
    }

    private static long sinceReceived(EpollSocketChannel ch) {
        EpollTcpInfo info = ch.tcpInfo();
        return info.lastDataRecv();
    }
}
