package io.weir.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * On a TLS listener with HTTP/2: when the handshake settles on {@code h2} by ALPN, the connection's HTTP/1.1
 * handlers give way to HTTP/2 ones; otherwise they stay. The switch happens at the handshake's completion,
 * before any application byte is decrypted, so nothing needs buffering. Sits right behind the TLS handler.
 */
final class AlpnSwitch extends ChannelInboundHandlerAdapter {

    private final HttpListenerContext listener;

    AlpnSwitch(HttpListenerContext listener) {
        this.listener = listener;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (done.isSuccess() && ssl != null && ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                Http2Downstream.switchTo(ctx.pipeline(), listener);
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
