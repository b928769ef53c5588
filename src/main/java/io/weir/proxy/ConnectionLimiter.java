package io.weir.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps a listener's open downstream connections (http and tcp listeners alike). At the cap the listener stops
 * accepting, so further clients wait in the kernel's backlog instead of being accepted and dropped; it resumes on
 * a close.
 *
 * <p>Sits on the server channel and turns accepting off and on from its event loop, where each connection is
 * accepted: turning auto-read off from there stops the accept loop at once, whereas from a child's loop it left
 * the accept read already requested pending (the epoll transport then accepted one connection over the cap).
 * Connections are counted on accept and on close, from whichever loop closes them; a close goes to the server's
 * loop only while accepting is off, so a listener without a cap (which still counts, for a cap a reload may set)
 * pays no task per connection.
 */
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    /** 0: no cap. Written on the server channel's loop. */
    private volatile int max;
    private final AtomicInteger open = new AtomicInteger();
    /**
     * This limiter turned accepting off. Only then does it turn it on again: a socket handed over on an upgrade
     * starts with accepting off until Weir is ready, and that is not the limiter's to undo. Written on the server
     * channel's loop.
     */
    private volatile boolean capped;

    public ConnectionLimiter(int max) {
        this.max = max;
    }

    /** A new cap for the connections accepted from now on (a reload); run on the server channel's loop. */
    void setMax(Channel server, int max) {
        this.max = max;
        if (atCap()) {
            cap(server);
        } else {
            uncap(server);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            Channel server = ctx.channel();
            open.incrementAndGet();
            child.closeFuture().addListener(f -> closed(server));
            if (atCap()) {
                cap(server);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private boolean atCap() {
        int m = max;
        return m > 0 && open.get() >= m;
    }

    /** On the server channel's loop. */
    private void cap(Channel server) {
        if (!capped) {
            capped = true;
            server.config().setAutoRead(false);
        }
        // A close between the count above and the flag saw no cap, and resumes nothing: look again. (The close
        // counts, then reads the flag; this sets the flag, then counts: one of the two sees the other.)
        if (!atCap()) {
            uncap(server);
        }
    }

    /** On the server channel's loop. */
    private void uncap(Channel server) {
        if (capped) {
            capped = false;
            server.config().setAutoRead(true);
        }
    }

    /** On the closing connection's loop. */
    private void closed(Channel server) {
        open.decrementAndGet();
        if (capped && server.isOpen()) {
            try {
                server.eventLoop().execute(() -> {
                    if (!atCap()) {
                        uncap(server);
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                // The listener is going away with its count.
            }
        }
    }
}
