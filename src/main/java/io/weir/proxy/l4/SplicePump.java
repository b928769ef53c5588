package io.weir.proxy.l4;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import io.weir.proxy.HalfClosure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Moves a spliced {@link TcpSession}'s bytes with Weir's own epoll handling, the way HAProxy does: on readiness
 * of a socket, one splice into the direction's pipe and one out of it per chunk, more chunks while each fills the
 * pipe, and back to epoll; a busy socket then rests briefly (see {@link #PAUSE_NANOS}). Netty's
 * {@code spliceTo} took three or more splice calls and a loop turn per chunk, and that was most of Weir's CPU
 * per GiB over HAProxy's.
 *
 * <p>The two channels are deregistered from Netty (they stay open, on their event loop) and each socket's fd is
 * registered on the same loop with a {@link Socket} handle, level-triggered: what a splice leaves in a socket is
 * reported again on the next turn. A direction whose pipe {@code to} did not empty stops reading its source and
 * asks for EPOLLOUT on {@code to} instead, so a slow reader holds at most a pipeful per direction in Weir.
 *
 * <p>Closing a deregistered channel fires no channelInactive, so the end of the session is seen on the channels'
 * closeFuture, whoever closes them; the registrations are cancelled there at the latest, before the fd number
 * can be reused by a new connection on this loop.
 *
 * <p>Only touched from the event loop of its channels.
 */
final class SplicePump {

    private static final int READ = Native.EPOLLIN | Native.EPOLLRDHUP;
    /** Pipefuls one visit of a busy socket may move (about 1.9 MiB). */
    private static final int PIPEFULS_PER_VISIT = 32;
    /**
     * How long a socket's reading rests after a visit that ended on a full pipe. Bytes gather in its receive queue
     * meanwhile, and the next visit moves many pipefuls at once. That is HAProxy's cadence, about one visit of
     * each busy socket per millisecond. Taking each readiness at once kept the queue empty and the window wide
     * open, so loopback TCP sent an ACK every second segment, and the proxy carried much of its peers' packet
     * work (docs/benchmarks.md, L4, eighth session). A flow pauses only after it filled the pipe
     * {@link #PIPEFULS_PER_VISIT} times in one visit, or when its peer stopped taking bytes; small exchanges
     * never do.
     */
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * Netty 4.2 removes an fd from epoll when it is given an empty interest set but still believes it added, and
     * the next interest then fails (see {@link HalfClosure}); EPOLLET asks for nothing and keeps it added.
     */
    private static final int NOTHING = Native.EPOLLET;

    private final TcpSession session;
    private final Socket downstream;
    private final Socket upstream;
    private boolean running;
    private boolean stopped;
    private int directionsDone;

    SplicePump(TcpSession session, EpollSocketChannel downstream, EpollSocketChannel upstream) {
        this.session = session;
        this.downstream = new Socket(downstream, new SpliceDirection(downstream, upstream),
                new SpliceDirection(upstream, downstream));
        this.upstream = new Socket(upstream, this.downstream.in, this.downstream.out);
    }

    /**
     * Takes both channels from Netty. Netty deregisters later in the loop turn; until then it may still hand the
     * session what it reads (only at a FIN or an error: neither channel asked to read).
     */
    void start() {
        ChannelFuture down = downstream.channel.deregister();
        ChannelFuture up = upstream.channel.deregister();
        down.addListener(d -> up.addListener(u -> begin()));
    }

    private void begin() {
        if (stopped) {
            return;
        }
        for (Socket s : new Socket[] {downstream, upstream}) {
            if (!s.channel.isOpen()) {
                session.closed(s.channel);
                return;
            }
        }
        if (session.copiedDuringHandover()) {
            handBack();
            return;
        }
        for (Socket s : new Socket[] {downstream, upstream}) {
            s.channel.closeFuture().addListener(f -> session.closed(s.channel));
            IoEventLoop loop = (IoEventLoop) s.channel.eventLoop();
            // On the loop, registering is done when it returns.
            io.netty.util.concurrent.Future<IoRegistration> registered = loop.register(s);
            if (!registered.isSuccess()) {
                session.abort(s.channel, registered.cause());
                return;
            }
            s.registration = registered.getNow();
        }
        running = true;
        session.splicing();
        interest(downstream);
        interest(upstream);
    }

    /**
     * Netty moved bytes or a FIN while the channels were being taken, so it holds state (queued writes, a shut
     * input) that only it can finish: the channels go back to it and the session goes on copying.
     */
    private void handBack() {
        stopped = true;
        for (Socket s : new Socket[] {downstream, upstream}) {
            if (s.channel.isInputShutdown()) {
                HalfClosure.keepRegistered(s.channel);
            }
            s.channel.eventLoop().register(s.channel);
        }
        session.copyFromNowOn();
    }

    /** Ends the pumping for good (the session is closing): no more events, no pipes. Safe to call again. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        running = false;
        for (Socket s : new Socket[] {downstream, upstream}) {
            if (s.registration != null) {
                s.registration.cancel();
            }
            s.out.closePipe();
        }
    }

    private void ready(Socket s, int ops) {
        if (!running) {
            return;
        }
        if (closed(s)) {
            return;
        }
        try {
            boolean handled = false;
            if ((ops & Native.EPOLLRDHUP) != 0) {
                s.finSeen = true;
            }
            if (s.in.waiting() && (ops & (Native.EPOLLOUT | Native.EPOLLERR)) != 0) {
                handled = true;
                if (s.in.drain()) {
                    // The source's bytes waited behind the full pipe: most likely more are there already.
                    pump(s.peer());
                }
            }
            if (running && s.out.reading() && (ops & (READ | Native.EPOLLERR)) != 0) {
                handled = true;
                pump(s);
            }
            if (!handled && (ops & Native.EPOLLERR) != 0) {
                // Neither direction uses the socket now, but it broke: the session cannot go on.
                throw new SpliceDirection.Failure(s.channel, new IOException("socket error (EPOLLERR)"));
            }
            if (running) {
                interest(downstream);
                interest(upstream);
            }
        } catch (SpliceDirection.Failure e) {
            session.abort(e.side, e.getCause());
        } catch (UncheckedIOException e) {
            // epoll_ctl failed: the socket is gone from under the session.
            session.abort(s.channel, e.getCause());
        }
    }

    /**
     * Moves what {@code s} has for its peer: pipeful after pipeful while each splice fills the pipe (a busy
     * socket), at most {@link #PIPEFULS_PER_VISIT}. A visit that ends on a full pipe pauses the socket's reading
     * (see {@link #PAUSE_NANOS}).
     */
    private void pump(Socket s) throws SpliceDirection.Failure {
        SpliceDirection direction = s.out;
        for (int i = 0; i < PIPEFULS_PER_VISIT && direction.reading(); i++) {
            if (direction.fill(s.finSeen)) {
                end(direction);
                return;
            }
            if (!direction.filledPipe()) {
                return;
            }
        }
        if (direction.filledPipe()) {
            pause(s);
        }
    }

    private void end(SpliceDirection direction) {
        direction.end();
        ((EpollSocketChannel) direction.to()).shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                session.abort(direction.to(), f.cause());
            } else if (++directionsDone == 2) {
                session.close("ok");
            }
        });
    }

    private void pause(Socket s) {
        if (!s.paused) {
            s.paused = true;
            s.channel.eventLoop().schedule(() -> resume(s), PAUSE_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    private void resume(Socket s) {
        s.paused = false;
        if (!running || closed(s)) {
            return;
        }
        try {
            pump(s);
        } catch (SpliceDirection.Failure e) {
            session.abort(e.side, e.getCause());
            return;
        }
        if (running) {
            interest(downstream);
            interest(upstream);
        }
    }

    /**
     * Whether either socket is closed, its closeFuture listener not run yet (its fd number may already be someone
     * else's): the session is told, and nothing more is done.
     */
    private boolean closed(Socket s) {
        Socket closed = !s.channel.isOpen() ? s : !s.peer().channel.isOpen() ? s.peer() : null;
        if (closed != null) {
            session.closed(closed.channel);
            return true;
        }
        return false;
    }

    private void interest(Socket s) {
        int want = (s.out.reading() && !s.paused ? READ : 0) | (s.in.waiting() ? Native.EPOLLOUT : 0);
        if (want == 0) {
            want = NOTHING;
        }
        if (want != s.interest) {
            s.interest = want;
            s.registration.submit(EpollIoOps.valueOf(want));
        }
    }

    /** One socket of the session as epoll sees it: {@code out} reads from it, {@code in} writes to it. */
    private final class Socket implements EpollIoHandle {

        final EpollSocketChannel channel;
        final SpliceDirection out;
        final SpliceDirection in;
        IoRegistration registration;
        int interest;
        /** EPOLLRDHUP was reported: the peer's FIN is in, after whatever is still queued. */
        boolean finSeen;
        /** Reading rests after a visit that ended on a full pipe (see {@link #PAUSE_NANOS}). */
        boolean paused;

        Socket(EpollSocketChannel channel, SpliceDirection out, SpliceDirection in) {
            this.channel = channel;
            this.out = out;
            this.in = in;
        }

        Socket peer() {
            return this == downstream ? upstream : downstream;
        }

        @Override
        public FileDescriptor fd() {
            return channel.fd();
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            ready(this, ((EpollIoEvent) event).ops().value());
        }

        /** The event loop is shutting down and closes what is registered with it. */
        @Override
        public void close() {
            channel.close();
        }
    }
}
