package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.weir.runtime.ThrottledLog;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Reads something a downstream sends before its bytes are forwarded (a PROXY header, a TLS ClientHello),
 * with a deadline and a size bound. Until it is done the handlers after it do not see the connection as
 * active; when done it removes itself, fires channelActive, and passes on whatever it does not keep.
 * A connection whose preamble is wrong, incomplete at its FIN, or late is closed and logged.
 */
abstract class PreambleReader extends ChannelInboundHandlerAdapter {

    /** One for every kind of preamble: the line says which was expected. */
    private static final ThrottledLog REFUSED = ThrottledLog.warn(LoggerFactory.getLogger(PreambleReader.class),
            "tcp {}: closing, expected {}: {}");

    private final long timeoutNanos;
    private ByteBuf buffered;
    private ScheduledFuture<?> timeout;

    PreambleReader(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /** What the subclass expects, for messages: "a PROXY header". */
    abstract String expected();

    /**
     * Looks at everything read so far (without consuming it unless done). Returns false to read more; true
     * once {@link #done} or {@link #reject} was called.
     */
    abstract boolean onBytes(ChannelHandlerContext ctx, ByteBuf buffered);

    /** Called before reading starts; false closes the connection (reject was called). */
    boolean accept(ChannelHandlerContext ctx) {
        return true;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Not passed on yet: see done().
        if (!accept(ctx)) {
            return;
        }
        timeout = ctx.executor().schedule(() -> reject(ctx, "nothing complete within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"), timeoutNanos, TimeUnit.NANOSECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (buffered == null) {
            buffered = ctx.alloc().buffer(Math.max(512, buf.readableBytes()));
        }
        buffered.writeBytes(buf);
        buf.release();
        if (!onBytes(ctx, buffered)) {
            ctx.read();
        }
    }

    /** The preamble is read: hand the connection on, with the bytes from the reader index on (if any). */
    final void done(ChannelHandlerContext ctx) {
        cancelTimeout();
        ByteBuf rest = buffered;
        buffered = null;
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
        if (rest.isReadable()) {
            ctx.fireChannelRead(rest);
        } else {
            rest.release();
        }
    }

    final void reject(ChannelHandlerContext ctx, String why) {
        REFUSED.log(ctx.channel().remoteAddress(), expected(), why);
        cancelTimeout();
        release();
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            // Still here, so what came before the FIN was not a whole preamble.
            reject(ctx, "connection half-closed first");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        release();
        ctx.fireChannelInactive();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void release() {
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
    }
}
