package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.weir.cluster.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * TLS passthrough: holds the downstream connection until its ClientHello has arrived (in as many segments as
 * it takes), chooses the cluster by the SNI, then steps aside and passes the hello bytes on untouched, to be
 * replayed upstream. A connection that is not TLS, sends a malformed hello, or sends nothing in time is
 * closed, and logged.
 */
final class SniRouter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SniRouter.class);

    private final SniTable table;
    private final long timeoutNanos;
    private ByteBuf hello;
    private ScheduledFuture<?> timeout;

    SniRouter(SniTable table, long timeoutNanos) {
        this.table = table;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Not passed on: the connection is "active" for the handlers after this one once the hello is read.
        timeout = ctx.executor().schedule(() -> {
            log.info("tcp {}: no TLS ClientHello within {} ms, closing", ctx.channel().remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            ctx.close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (hello == null) {
            hello = ctx.alloc().buffer(Math.max(512, buf.readableBytes()));
        }
        hello.writeBytes(buf);
        buf.release();
        ClientHelloParser.Result result = ClientHelloParser.parse(hello);
        switch (result.status()) {
            case NEED_MORE -> ctx.read();
            case BAD -> reject(ctx, result.problem());
            case FOUND -> route(ctx, result.serverName());
        }
    }

    private void route(ChannelHandlerContext ctx, String serverName) {
        Cluster cluster = table.route(serverName);
        log.debug("tcp {}: SNI {} → cluster {}", ctx.channel().remoteAddress(), serverName, cluster.name());
        ctx.channel().attr(L4Attributes.CLUSTER).set(cluster);
        timeout.cancel(false);
        ByteBuf bytes = hello;
        hello = null;
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
        ctx.fireChannelRead(bytes);
    }

    private void reject(ChannelHandlerContext ctx, String why) {
        log.warn("tcp {}: closing, expected a TLS ClientHello: {}", ctx.channel().remoteAddress(), why);
        release();
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            // Still here, so the bytes before the FIN were not a whole hello.
            reject(ctx, "connection half-closed before a whole ClientHello");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    private void release() {
        if (hello != null) {
            hello.release();
            hello = null;
        }
    }
}
