package io.weir.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * The listener's {@code idle_timeout} on an HTTP/2 connection: it runs while no stream is open, and when it
 * passes the connection is closed (GOAWAY first). A stream in flight is bounded by its route's timeouts.
 * Sits behind the connection handler, whose connection tells it when streams open and close.
 */
final class Http2IdleTimeout extends ChannelInboundHandlerAdapter {

    private final long idleNanos;
    private Deadline deadline;
    private Http2Connection connection;
    private Http2ConnectionAdapter streams;

    Http2IdleTimeout(long idleNanos) {
        this.idleNanos = idleNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = new Deadline(ctx.executor(), () -> {
            if (connection.numActiveStreams() == 0) {
                ctx.close();
            }
        });
        connection = ctx.pipeline().get(Http2ConnectionHandler.class).connection();
        streams = new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                deadline.disarm();
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (connection.numActiveStreams() == 0) {
                    deadline.arm(idleNanos);
                }
            }
        };
        connection.addListener(streams);
        deadline.arm(idleNanos);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.disarm();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.disarm();
        connection.removeListener(streams);
    }
}
