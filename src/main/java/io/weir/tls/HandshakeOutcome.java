package io.weir.tls;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Sits after the SNI handler (and the SslHandler that replaces it) and reports the handshake's outcome, which
 * both fire as a {@link SslHandshakeCompletionEvent}; then leaves the pipeline, costing nothing per read.
 */
@ChannelHandler.Sharable
final class HandshakeOutcome extends ChannelInboundHandlerAdapter {

    private final HandshakeObserver observer;

    HandshakeOutcome(HandshakeObserver observer) {
        this.observer = observer;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                observer.succeeded();
            } else {
                observer.failed(done.cause());
            }
            ctx.pipeline().remove(this);
        }
        super.userEventTriggered(ctx, evt);
    }
}
