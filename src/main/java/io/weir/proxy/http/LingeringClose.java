package io.weir.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes a downstream connection after its last response without losing that response. Closing a socket
 * while the client's bytes are still arriving (the rest of a refused body, a head cut off by the header
 * timeout) makes the kernel answer them with a reset, and a reset can throw away the response the client
 * has not read yet: it would see "connection reset" instead of its 400, 408 or 413. So the response is
 * flushed, the sending side shut (FIN), and what the client still sends is read and dropped until it
 * closes or {@link #LINGER_MILLIS} pass (RFC 9112 §9.6, what HTTP servers call a lingering close).
 */
final class LingeringClose {

    static final long LINGER_MILLIS = 2000;

    private LingeringClose() {
    }

    /** Flushes what is written, then closes gracefully. */
    static void afterFlush(Channel ch) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> linger(ch));
    }

    private static void linger(Channel ch) {
        // A client that already shut its side sends nothing more that a close could turn into a reset.
        if (!ch.isActive() || !(ch instanceof DuplexChannel duplex) || duplex.isInputShutdown()) {
            ch.close();
            return;
        }
        ch.pipeline().addFirst(new Drain());
        ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> {
            ch.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> deadline.cancel(false));
        duplex.shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
                return;
            }
            // Read to the client's end of stream, where Drain closes the channel.
            ch.config().setAutoRead(true);
            ch.read();
        });
    }

    /** Drops everything the client sends from here on, before any decoder sees it. */
    private static final class Drain extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Nothing read is passed on, so neither is the end of a read.
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                ctx.close();
            }
        }
    }
}
