package io.weir.proxy.http.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.weir.cluster.Endpoint;

/**
 * One HTTP/1.1 connection to an endpoint, or one h2 stream to it. It belongs to one event loop and serves
 * one exchange at a time; an HTTP/1.1 connection sits idle in its pool between exchanges, where anything but
 * a close is a protocol error, and an h2 stream serves one exchange and is closed.
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    private final Endpoint endpoint;
    private final UpstreamHome home;
    private Channel channel;
    /** The HTTP/1.1 codec; null on an h2 stream. */
    private UpstreamHttpCodec codec;
    private UpstreamListener listener;
    private boolean reused;
    /** The upstream said it did not process this request (h2 GOAWAY or REFUSED_STREAM): safe to replay. */
    private boolean refused;
    /** Why the connection is about to close, when the peer said (an h2 reset); reported with the close. */
    private Throwable closeCause;
    /** Past a protocol switch: bytes pass through to the relay behind this handler. */
    private boolean tunnel;
    /** Carries one client's PROXY header: closed after its exchange, never pooled. */
    private boolean privateToClient;
    long idleSinceNanos;

    UpstreamConnection(Endpoint endpoint, UpstreamHome home) {
        this.endpoint = endpoint;
        this.home = home;
    }

    public Channel channel() {
        return channel;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Whether a close before any response may be a stale reuse, worth one free retry: this connection (or
     * this stream's h2 connection) served an earlier request, or the upstream refused the stream unprocessed.
     */
    public boolean reused() {
        return reused || refused;
    }

    void refused() {
        refused = true;
    }

    void closeCause(Throwable cause) {
        closeCause = cause;
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

    /**
     * Whether the response to the request about to be written may come as one {@link WholeResponse} (an
     * HTTP/1.1 connection; an h2 stream always gives a decoded head and body).
     */
    public void wholeResponses(boolean allowed) {
        if (codec != null) {
            codec.wholeResponses(allowed);
        }
    }

    /** Hands the connection back for reuse; the caller has read a complete response on it. */
    public void release() {
        listener = null;
        wholeResponses(false);
        home.release(this);
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
        channel.pipeline().remove(UpstreamHttpCodec.class);
    }

    /** Closes instead of pooling: the exchange ended in a state the next one must not inherit. */
    public void discard() {
        listener = null;
        channel.close();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        codec = ctx.pipeline().get(UpstreamHttpCodec.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        home.opened(this);
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
        home.closed(this);
        if (tunnel) {
            ctx.fireChannelInactive();
            return;
        }
        UpstreamListener l = listener;
        listener = null;
        if (l != null) {
            l.upstreamClosed(closeCause);
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
