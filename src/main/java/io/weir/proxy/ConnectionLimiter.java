package io.weir.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.RejectedExecutionException;

/**
 * Caps a listener's open downstream connections (http and tcp listeners alike). At the cap the listener stops accepting, so further
 * clients wait in the kernel's backlog instead of being accepted and dropped; it resumes on a close.
 *
 * <p>Sits on the server channel and counts on its event loop, where each connection is accepted: turning
 * auto-read off from there stops the accept loop at once, whereas from a child's loop it left the accept
 * read already requested pending (the epoll transport then accepted one connection over the cap), and
 * counting on several loops could race a close with the turn-off and stop accepting below the cap.
 */
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    /** 0: no cap (the limiter still counts, so that a cap set on reload knows what is open). */
    private int max;
    /** Only touched on the server channel's event loop, like {@link #max} and {@link #capped} after construction. */
    private int open;
    /**
     * This limiter turned accepting off. Only then does it turn it on again: a socket handed over on an upgrade
     * starts with accepting off until Weir is ready, and that is not the limiter's to undo.
     */
    private boolean capped;

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

    private boolean atCap() {
        return max > 0 && open >= max;
    }

    private void cap(Channel server) {
        if (!capped) {
            capped = true;
            server.config().setAutoRead(false);
        }
    }

    private void uncap(Channel server) {
        if (capped) {
            capped = false;
            server.config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            Channel server = ctx.channel();
            open++;
            child.closeFuture().addListener(f -> {
                if (server.isOpen()) {
                    try {
                        server.eventLoop().execute(() -> closed(server));
                    } catch (RejectedExecutionException shuttingDown) {
                        // The listener is going away with its count.
                    }
                }
            });
            if (atCap()) {
                cap(server);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void closed(Channel server) {
        open--;
        if (!atCap()) {
            uncap(server);
        }
    }
}
