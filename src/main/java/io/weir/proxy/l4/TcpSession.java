package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One proxied TCP connection once its upstream is connected: the two channels, on one event loop. It moves
 * the bytes (splice or copy), mirrors each side's half-close onto the other, turns an abnormal end of one side
 * into a reset of the other, and closes both when both directions are done.
 *
 * <p>Only touched from the event loop of its channels.
 */
final class TcpSession {

    private static final Logger log = LoggerFactory.getLogger(TcpSession.class);
    private static final int DRAIN_CHUNK = 64 * 1024;
    /**
     * The most one splice moves from a socket into the pipe. Netty splices in until a call returns 0, asking
     * each time for what is left of this amount: at 64 KiB the first call fills the pipe (16 slots, 60 KiB of
     * a TCP stream's 4 KiB pages) and the second fails with EAGAIN on the full pipe, a whole syscall with its
     * socket lock for nothing. At 60 KiB the first call usually moves it all and the second asks for 0 bytes,
     * which the kernel answers before touching either file.
     */
    private static final FixedRecvByteBufAllocator SPLICE_CHUNK = new FixedRecvByteBufAllocator(15 * 4096);

    private final Channel downstream;
    private final Channel upstream;
    private boolean spliced;
    private boolean closing;
    private boolean downstreamEof;
    private boolean upstreamEof;
    private int directionsDone;
    private long lastActivityNanos = System.nanoTime();
    /** The L4 access log's record of the connection; null when there is none (no log, a WebSocket tunnel). */
    private final ConnectionRecord record;

    TcpSession(Channel downstream, Channel upstream) {
        this(downstream, upstream, null);
    }

    TcpSession(Channel downstream, Channel upstream, ConnectionRecord record) {
        this.downstream = downstream;
        this.upstream = upstream;
        this.record = record;
    }

    Channel downstream() {
        return downstream;
    }

    Channel upstream() {
        return upstream;
    }

    boolean spliced() {
        return spliced;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    Channel peer(Channel side) {
        return side == downstream ? upstream : downstream;
    }

    /**
     * Starts moving bytes both ways: in the kernel when both sockets are epoll ones, else through buffers.
     * {@code downstreamEnded}: the client's FIN came before the upstream was connected, so only the upstream
     * is read and the FIN is passed on at once.
     */
    void start(boolean splice, boolean downstreamEnded) {
        if (downstreamEnded) {
            spliced = false;
            upstream.read();
            inputShutdown(downstream);
        } else if (splice && downstream instanceof EpollSocketChannel down
                && upstream instanceof EpollSocketChannel up) {
            spliced = true;
            if (record != null) {
                record.spliced();
            }
            // splice needs level-triggered epoll; with AUTO_READ on, Netty pauses reading itself while the
            // target socket is full, so splice keeps the same backpressure as read-after-write.
            for (EpollSocketChannel ch : new EpollSocketChannel[] {down, up}) {
                ch.config().setEpollMode(EpollMode.LEVEL_TRIGGERED);
                ch.config().setRecvByteBufAllocator(SPLICE_CHUNK);
            }
            down.spliceTo(up, Integer.MAX_VALUE).addListener(f -> spliceEnded(f.cause(), down));
            up.spliceTo(down, Integer.MAX_VALUE).addListener(f -> spliceEnded(f.cause(), up));
            down.config().setAutoRead(true);
            up.config().setAutoRead(true);
        } else {
            downstream.read();
            upstream.read();
        }
    }

    private void spliceEnded(Throwable cause, Channel from) {
        if (cause != null && !closing) {
            abort(from, cause);
        }
    }

    /** Copy mode: bytes read from {@code from} are written to its peer; the next read waits for the write. */
    void forward(Channel from, Object msg) {
        lastActivityNanos = System.nanoTime();
        if (record != null) {
            count(from, ((ByteBuf) msg).readableBytes());
        }
        peer(from).writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                if (from == downstream ? !downstreamEof : !upstreamEof) {
                    from.read();
                }
            } else if (!closing) {
                abort(f.channel(), f.cause());
            }
        });
    }

    private void count(Channel from, long bytes) {
        if (from == downstream) {
            record.fromDownstream(bytes);
        } else {
            record.fromUpstream(bytes);
        }
    }

    /**
     * {@code from} sent FIN: pass it on as a FIN on the peer once what was read before it is written, and keep
     * the other direction flowing (the client that stopped sending still gets its reply).
     */
    void inputShutdown(Channel from) {
        if (from == downstream ? downstreamEof : upstreamEof) {
            return;
        }
        if (from == downstream) {
            downstreamEof = true;
        } else {
            upstreamEof = true;
        }
        Channel to = peer(from);
        if (spliced) {
            drainAfterFin((EpollSocketChannel) from, to);
        }
        // An empty write is queued behind pending data (buffers or splice tasks), so the FIN follows the bytes.
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !(to instanceof DuplexChannel duplex)) {
                close(f.isSuccess() ? "ok" : (to == downstream ? "downstream" : "upstream") + " write failed: "
                        + f.cause().getMessage());
                return;
            }
            duplex.shutdownOutput().addListener(done -> {
                if (++directionsDone == 2) {
                    close("ok");
                }
            });
        });
    }

    /**
     * Netty ends splicing at the peer's FIN after one batch (it shuts the input down on EPOLLRDHUP), while the
     * rest of what the peer sent before its FIN still waits in the socket. Everything before a FIN is already
     * in the receive queue when the FIN is seen, and Linux still hands it out after SHUT_RD, so it is read
     * here, at once, and written behind the spliced bytes. Bounded by the socket's receive buffer.
     */
    private static void drainAfterFin(EpollSocketChannel from, Channel to) {
        while (true) {
            ByteBuf buf = from.alloc().directBuffer(DRAIN_CHUNK);
            int n;
            try {
                ByteBuffer nio = buf.internalNioBuffer(0, buf.capacity());
                n = from.fd().read(nio, nio.position(), nio.limit());
            } catch (IOException e) {
                n = -1;
            }
            if (n <= 0) {
                buf.release();
                break;
            }
            buf.writerIndex(n);
            to.write(buf, to.voidPromise());
        }
        to.flush();
    }

    /** One side failed (reset, write error): reset the other too, so the failure is not mistaken for an end. */
    void abort(Channel failed, Throwable cause) {
        if (closing) {
            return;
        }
        log.debug("tcp {} → {}: {} side failed, resetting the other: {}", downstream.remoteAddress(),
                upstream.remoteAddress(), failed == downstream ? "downstream" : "upstream", cause.toString());
        closing = true;
        terminated((failed == downstream ? "downstream" : "upstream") + " error: " + cause.getMessage());
        reset(peer(failed));
        failed.close();
    }

    private void terminated(String why) {
        if (record != null) {
            record.terminated(why);
        }
    }

    /** A side closed without our asking (e.g. after an error): the other is reset. */
    void closed(Channel side) {
        if (!closing) {
            closing = true;
            terminated((side == downstream ? "downstream" : "upstream") + " closed");
            reset(peer(side));
        }
    }

    /** Ends both sides with a normal close (FIN), for {@code why} (the access log's termination). */
    void close(String why) {
        terminated(why);
        closing = true;
        downstream.close();
        upstream.close();
    }

    /** SO_LINGER 0 makes the close send RST instead of FIN. */
    static void reset(Channel ch) {
        if (ch.isOpen()) {
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // Already closing; a plain close is the best left.
            }
            ch.close();
        }
    }
}
