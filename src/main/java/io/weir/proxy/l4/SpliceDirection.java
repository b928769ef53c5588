package io.weir.proxy.l4;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;

/**
 * One direction of a spliced {@link TcpSession}: bytes go from one socket into a pipe and from the pipe into the
 * other socket, never through user space, two splice calls a chunk. The pipe is opened on the first readiness, so
 * an idle connection holds no pipe.
 *
 * <p>Only touched from the event loop of its channels.
 */
final class SpliceDirection {

    /** "All you have": the kernel stops at what the pipe holds (16 pages by default). */
    private static final long ALL = 1 << 30;
    /** What one splice from a loopback socket moves when it fills a default pipe (60 KiB, as measured). */
    private static final int PIPEFUL = 60 << 10;

    private final EpollSocketChannel from;
    private final EpollSocketChannel to;
    private FileDescriptor pipeRead;
    private FileDescriptor pipeWrite;
    /** Bytes in the pipe that {@code to} has not taken yet. */
    private int pending;
    private boolean ended;
    /** The last splice in filled the pipe: the source most likely holds more. */
    private boolean filledPipe;

    SpliceDirection(EpollSocketChannel from, EpollSocketChannel to) {
        this.from = from;
        this.to = to;
    }

    EpollSocketChannel from() {
        return from;
    }

    EpollSocketChannel to() {
        return to;
    }

    /** Waits for bytes from {@code from}: not ended, and nothing held back in the pipe. */
    boolean reading() {
        return !ended && pending == 0;
    }

    /** The last splice in filled the pipe, so the source most likely holds more bytes already. */
    boolean filledPipe() {
        return filledPipe;
    }

    /** Holds bytes that {@code to} did not take: waits for {@code to} to be writable. */
    boolean waiting() {
        return pending > 0;
    }

    /**
     * {@code from} is readable: moves one pipeful in and on into {@code to}. {@code finSeen}: the peer's FIN has
     * arrived (EPOLLRDHUP), so a splice that moves nothing is the end of the stream, not "nothing yet".
     *
     * @return true at the end of the stream, with every byte before it passed on
     */
    boolean fill(boolean finSeen) throws Failure {
        if (pipeRead == null) {
            openPipe();
        }
        int n;
        try {
            n = Native.splice(from.fd().intValue(), -1, pipeWrite.intValue(), -1, ALL);
        } catch (IOException e) {
            throw new Failure(from, e);
        }
        if (n == 0) {
            filledPipe = false;
            return finSeen;
        }
        pending = n;
        filledPipe = n >= PIPEFUL;
        drain();
        return false;
    }

    /**
     * Moves what the pipe holds into {@code to}, in one call: a short write means its send buffer is full, and
     * trying again at once would only fail with EAGAIN.
     *
     * @return true when the pipe is empty
     */
    boolean drain() throws Failure {
        try {
            pending -= Native.splice(pipeRead.intValue(), -1, to.fd().intValue(), -1, pending);
        } catch (IOException e) {
            throw new Failure(to, e);
        }
        return pending == 0;
    }

    /** The stream's end was passed on: nothing more moves this way. */
    void end() {
        ended = true;
        closePipe();
    }

    private void openPipe() throws Failure {
        try {
            FileDescriptor[] pipe = FileDescriptor.pipe();
            pipeRead = pipe[0];
            pipeWrite = pipe[1];
        } catch (IOException e) {
            throw new Failure(from, e);
        }
    }

    void closePipe() {
        if (pipeRead != null) {
            close(pipeRead);
            close(pipeWrite);
            pipeRead = null;
            pipeWrite = null;
        }
    }

    private static void close(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException e) {
            // Nothing to do about it: the fd is gone either way.
        }
    }

    /** A splice failed (reset, broken pipe): {@code side} is the socket it failed on. */
    static final class Failure extends Exception {

        final transient Channel side;

        Failure(Channel side, IOException cause) {
            super(cause.getMessage(), cause, false, false);
            this.side = side;
        }
    }
}
