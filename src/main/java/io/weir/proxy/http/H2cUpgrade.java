package io.weir.proxy.http;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.AsciiString;

/**
 * {@code Upgrade: h2c} on a cleartext listener (RFC 7540 §3.2; deprecated by RFC 9113, so only when the
 * listener's {@code http2.h2c_upgrade} asks for it). Only the connection's first request may upgrade, and only
 * a bodiless one: Weir answers 101, the connection becomes HTTP/2, and the request is served as stream 1.
 * Any other request (one with a body, a malformed HTTP2-Settings) is served over HTTP/1.1 as usual, and its
 * Upgrade and HTTP2-Settings headers, hop-by-hop, never reach an upstream.
 */
final class H2cUpgrade {

    private H2cUpgrade() {
    }

    /** Sits between the HTTP/1.1 response encoder and the flow-control handler; leaves after the first request. */
    static HttpServerUpgradeHandler handler(HttpListenerContext listener) {
        HttpServerUpgradeHandler.SourceCodec http1 = ctx -> {
            Http2Downstream.removeHttp1(ctx.pipeline());
            // Before this handler, so on the socket's side of the frame codec the upgrade adds right after it.
            ctx.pipeline().addBefore(ctx.name(), null, Http2Downstream.flushes());
            ctx.channel().config().setAutoRead(true);
        };
        HttpServerUpgradeHandler.UpgradeCodecFactory h2c = protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec((String) null, Http2DownstreamHandler.create(listener),
                                new Http2IdleTimeout(listener.config().idleTimeout().toNanos()))
                        : null;
        return new HttpServerUpgradeHandler(http1, h2c, 0, DefaultHttpHeadersFactory.headersFactory(),
                DefaultHttpHeadersFactory.trailersFactory(), true) {
            @Override
            protected boolean shouldHandleUpgradeRequest(HttpRequest request) {
                return wantsH2c(request);
            }
        };
    }

    /** A bodiless request naming h2c in Upgrade, with its one HTTP2-Settings. */
    static boolean wantsH2c(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.UPGRADE, Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME,
                true)
                && request.headers().getAll(Http2CodecUtil.HTTP_UPGRADE_SETTINGS_HEADER).size() == 1
                && !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
    }
}
