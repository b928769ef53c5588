package io.weir.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.weir.proxy.http.upstream.UpstreamConnection;
import io.weir.proxy.l4.Tunnels;

import java.time.Duration;

/**
 * WebSocket proxying: an upgrade request keeps its {@code Upgrade} and {@code Connection} headers on the
 * way upstream, and after the upstream's 101 both connections stop speaking HTTP and become one tunnel.
 */
final class WebSockets {

    private WebSockets() {
    }

    /** A WebSocket opening handshake (RFC 6455 §4.1): GET, {@code Upgrade: websocket}, Connection naming upgrade. */
    static boolean isUpgrade(HttpRequest request) {
        HttpHeaders h = request.headers();
        return request.method() == HttpMethod.GET
                && h.containsValue(HttpHeaderNames.UPGRADE, "websocket", true)
                && h.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
    }

    static boolean accepts(HttpResponse response) {
        return response.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true);
    }

    /** Puts back the two headers the hop-by-hop rules removed: they are the handshake itself. */
    static void keepUpgradeHeaders(HttpHeaders headers) {
        headers.set(HttpHeaderNames.UPGRADE, "websocket");
        headers.set(HttpHeaderNames.CONNECTION, "Upgrade");
    }

    /** After the 101 went downstream: both pipelines lose their HTTP handlers and relay bytes. */
    static void tunnel(ChannelHandlerContext downstream, UpstreamConnection upstream, Duration idleTimeout) {
        upstream.detachForTunnel();
        ChannelPipeline p = downstream.pipeline();
        Tunnels.open(downstream.channel(), upstream.channel(), idleTimeout, () -> {
            // From the handler side towards the socket, so no removed decoder feeds a removed handler.
            p.remove(DownstreamHandler.class);
            p.remove(ReadAhead.class);
            p.remove(DownstreamResponseEncoder.class);
            p.remove(StrictRequestDecoder.class);
            upstream.removeCodec();
        });
    }
}
