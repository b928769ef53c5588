package io.weir.proxy.http.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.ReferenceCountUtil;
import io.weir.cluster.Endpoint;

/**
 * One HTTP/1.1 connection to an endpoint. It belongs to one event loop's pool and serves one exchange at
 * a time; between exchanges it sits idle in the pool, where anything but a close is a protocol error.
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    private final Endpoint endpoint;
    private final UpstreamPool pool;
    private Channel channel;
    private UpstreamListener listener;
    private boolean reused;
    /** Past a protocol switch: bytes pass through to the relay behind this handler. */
    private boolean tunnel;
    /** Carries one client's PROXY header: closed after its exchange, never pooled. */
    private boolean privateToClient;
    long idleSinceNanos;

    UpstreamConnection(Endpoint endpoint, UpstreamPool pool) {
        this.endpoint = endpoint;
        this.pool = pool;
    }

    public Channel channel() {
        return channel;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Whether this connection served an earlier request: a close before any response may be a stale reuse. */
    public boolean reused() {
        return reused;
    }

    void bind(UpstreamListener listener, boolean reused) {
        this.listener = listener;
        this.reused = reused;
    }

    void makePrivate() {
        privateToClient = true;
    }

    boolean isPrivate() {
        return privateToClient;
    }

    /** Hands the connection back for reuse; the caller has read a complete response on it. */
    public void release() {
        listener = null;
        pool.release(this);
    }

    /**
     * Stops speaking HTTP on this connection (a WebSocket after its 101): the codec goes, nothing is pooled,
     * and the caller relays bytes. This handler stays to count the connection's close.
     */
    public void detachForTunnel() {
        listener = null;
        tunnel = true;
    }

    /** Removes the HTTP codec; what it still held flows on to the tunnel's relay. */
    public void removeCodec() {
        channel.pipeline().remove(HttpClientCodec.class);
    }

    /** Closes instead of pooling: the exchange ended in a state the next one must not inherit. */
    public void discard() {
        listener = null;
        channel.close();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        endpoint.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel) {
            ctx.fireChannelRead(msg);
            return;
        }
        UpstreamListener l = listener;
        if (l != null) {
            l.upstreamMessage(msg);
        } else {
            // Bytes on an idle connection: the upstream is confused; never hand this connection out again.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener l = listener;
        if (l != null) {
            l.upstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        UpstreamListener l = listener;
        if (l != null && ctx.channel().isWritable()) {
            l.upstreamWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endpoint.connectionClosed();
        pool.remove(this);
        if (tunnel) {
            ctx.fireChannelInactive();
            return;
        }
        UpstreamListener l = listener;
        listener = null;
        if (l != null) {
            l.upstreamClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tunnel) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        UpstreamListener l = listener;
        listener = null;
        ctx.close();
        if (l != null) {
            l.upstreamClosed(cause);
        }
    }
}
