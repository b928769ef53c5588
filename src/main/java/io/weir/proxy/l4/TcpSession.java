package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied TCP connection once its upstream is connected: the two channels, on one event loop. It moves
 * the bytes (in the kernel with a {@link SplicePump}, or copied through Netty's buffers), mirrors each side's
 * half-close onto the other, turns an abnormal end of one side into a reset of the other, and closes both when
 * both directions are done.
 *
 * <p>Only touched from the event loop of its channels.
 */
final class TcpSession {

    private static final Logger log = LoggerFactory.getLogger(TcpSession.class);

    private final Channel downstream;
    private final Channel upstream;
    /** Null when copying. */
    private SplicePump pump;
    private boolean spliced;
    private boolean copied;
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

    /** Both sockets are epoll ones, so the bytes can move in the kernel. */
    static boolean canSplice(Channel downstream, Channel upstream) {
        return downstream instanceof EpollSocketChannel && upstream instanceof EpollSocketChannel;
    }

    /**
     * Starts moving bytes both ways through buffers. {@code downstreamEnded}: the client's FIN came before the
     * upstream was connected, so only the upstream is read and the FIN is passed on at once.
     */
    void copy(boolean downstreamEnded) {
        if (downstreamEnded) {
            upstream.read();
            inputShutdown(downstream);
        } else {
            downstream.read();
            upstream.read();
        }
    }

    /**
     * Starts moving bytes both ways in the kernel (see {@link SplicePump}) once {@code written}, the last of what
     * Weir wrote upstream first (PROXY header, replayed ClientHello), has left Netty's buffers.
     */
    void splice(ChannelFuture written) {
        pump = new SplicePump(this, (EpollSocketChannel) downstream, (EpollSocketChannel) upstream);
        written.addListener(f -> {
            if (f.isSuccess()) {
                pump.start();
            } else {
                abort(upstream, f.cause());
            }
        });
    }

    /** The pump has the sockets: bytes no longer pass Weir, and only the kernel knows when they last moved. */
    void splicing() {
        spliced = true;
        if (record != null) {
            record.spliced();
        }
    }

    /** Netty moved bytes or a FIN through this session while the pump was taking the channels from it. */
    boolean copiedDuringHandover() {
        return copied;
    }

    /**
     * The pump gave the channels back to Netty: copy from now on. Reads are asked again except where the FIN is
     * in (a write still in flight asks for its own, so at worst one read more than copy mode keeps in flight).
     */
    void copyFromNowOn() {
        pump = null;
        for (Channel side : new Channel[] {downstream, upstream}) {
            if (!((DuplexChannel) side).isInputShutdown()) {
                side.read();
            }
        }
    }

    /** Copy mode: bytes read from {@code from} are written to its peer; the next read waits for the write. */
    void forward(Channel from, Object msg) {
        copied = true;
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
        copied = true;
        if (from == downstream) {
            downstreamEof = true;
        } else {
            upstreamEof = true;
        }
        Channel to = peer(from);
        // An empty write is queued behind pending data, so the FIN follows the bytes.
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

    /** One side failed (reset, write error): reset the other too, so the failure is not mistaken for an end. */
    void abort(Channel failed, Throwable cause) {
        if (closing) {
            return;
        }
        log.debug("tcp {} → {}: {} side failed, resetting the other: {}", downstream.remoteAddress(),
                upstream.remoteAddress(), failed == downstream ? "downstream" : "upstream", cause.toString());
        closing = true;
        stopSplicing();
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
        stopSplicing();
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
        stopSplicing();
        downstream.close();
        upstream.close();
    }

    /** Before any close: the pump's epoll registrations must be gone before the fd numbers can be reused. */
    private void stopSplicing() {
        if (pump != null) {
            pump.stop();
        }
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
