package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.weir.proxy.TrustedProxies;

import java.net.InetSocketAddress;

/**
 * Accepts a PROXY v1 or v2 header at the start of each downstream connection of a listener behind another
 * proxy, and from then on the connection's client is the one the header names. Only sources in the
 * listener's {@code trusted_proxy_protocol_sources} may connect at all: from anyone else a header would be a
 * lie Weir cannot tell from the truth, and a connection without one is not allowed on such a listener.
 */
final class ProxyProtocolReader extends PreambleReader {

    private final TrustedProxies trusted;

    ProxyProtocolReader(TrustedProxies trusted, long timeoutNanos) {
        super(timeoutNanos);
        this.trusted = trusted;
    }

    @Override
    String expected() {
        return "a PROXY protocol header from a trusted source";
    }

    @Override
    boolean accept(ChannelHandlerContext ctx) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        if (remote == null || !trusted.contains(remote.getAddress())) {
            reject(ctx, "source not in trusted_proxy_protocol_sources");
            return false;
        }
        return true;
    }

    @Override
    boolean onBytes(ChannelHandlerContext ctx, ByteBuf buffered) {
        ProxyHeaderParser.Result result = ProxyHeaderParser.parse(buffered);
        switch (result.status()) {
            case NEED_MORE -> {
                return false;
            }
            case BAD -> reject(ctx, result.problem());
            case FOUND -> {
                if (result.addresses() != null) {
                    ctx.channel().attr(L4Attributes.ADDRESSES).set(result.addresses());
                }
                buffered.skipBytes(result.length());
                done(ctx);
            }
        }
        return true;
    }
}
