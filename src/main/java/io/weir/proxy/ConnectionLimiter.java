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

    private final int max;
    /** Only touched on the server channel's event loop. */
    private int open;

    public ConnectionLimiter(int max) {
        this.max = max;
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
            if (open >= max) {
                server.config().setAutoRead(false);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void closed(Channel server) {
        open--;
        if (open < max && !server.config().isAutoRead()) {
            server.config().setAutoRead(true);
        }
    }
}
