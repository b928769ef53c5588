package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.config.ProxyProtocolVersion;
import io.weir.proxy.ProxyHeaderWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The last handler of a downstream tcp connection until its upstream is connected. It sees the connection
 * become active once the preamble handlers (PROXY header, SNI) are done, opens the upstream, replays the
 * bytes those handlers read, then hands both channels to a {@link TcpSession}. It never asks the downstream
 * for more bytes before the upstream is connected, so nothing is buffered beyond the preamble.
 */
final class TcpFrontend extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TcpFrontend.class);

    private final TcpListenerContext context;
    /** Bytes a preamble handler read and passed on (the ClientHello): sent upstream first. */
    private CompositeByteBuf replay;
    /**
     * The client sent its FIN before the upstream was connected. Epoll reads on a peer's FIN even with
     * AUTO_READ off (what the client sent before it is replayed), so the half-close is passed on once connected.
     */
    private boolean inputShutdown;

    TcpFrontend(TcpListenerContext context) {
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel downstream = ctx.channel();
        Cluster routed = downstream.attr(L4Attributes.CLUSTER).get();
        Cluster cluster = routed != null ? routed : context.cluster();
        ConnectionRecord record = downstream.attr(L4Attributes.RECORD).get();
        if (record != null) {
            record.cluster(cluster.name());
        }
        new UpstreamConnector(downstream, cluster, context.transport(),
                (upstream, endpoint) -> connected(ctx, cluster, upstream, endpoint),
                why -> {
                    if (record != null) {
                        record.terminated(why);
                    }
                    downstream.close();
                }).connect();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (replay == null) {
            replay = ctx.alloc().compositeBuffer();
        }
        replay.addComponent(true, buf);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            inputShutdown = true;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseReplay();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("tcp {}: closed before its upstream was connected: {}", ctx.channel().remoteAddress(),
                cause.toString());
        ConnectionRecord record = ctx.channel().attr(L4Attributes.RECORD).get();
        if (record != null) {
            record.terminated("downstream error before the upstream was connected: " + cause.getMessage());
        }
        ctx.close();
    }

    private void connected(ChannelHandlerContext ctx, Cluster cluster, Channel upstream, Endpoint endpoint) {
        Channel downstream = ctx.channel();
        if (!downstream.isActive()) {
            releaseReplay();
            upstream.close();
            return;
        }
        ConnectionRecord record = downstream.attr(L4Attributes.RECORD).get();
        TcpSession session = new TcpSession(downstream, upstream, record);
        if (record != null) {
            record.connected(endpoint.id(), upstream);
            if (replay != null) {
                record.fromDownstream(replay.readableBytes());
            }
        }
        upstream.pipeline().addLast(new Relay(session));
        ctx.pipeline().replace(this, "relay", new Relay(session));
        ChannelFuture written = upstream.newSucceededFuture();
        Optional<ProxyProtocolVersion> proxyProtocol = cluster.config().proxyProtocol();
        if (proxyProtocol.isPresent()) {
            ConnectionAddresses addresses = ConnectionAddresses.of(downstream);
            written = upstream.write(ProxyHeaderWriter.write(proxyProtocol.get(), addresses.source(),
                    addresses.destination(), upstream.alloc()));
        }
        if (replay != null) {
            written = upstream.write(replay);
            replay = null;
        }
        upstream.flush();
        if (context.transport().splice() && !inputShutdown && TcpSession.canSplice(downstream, upstream)) {
            session.splice(written);
        } else {
            session.copy(inputShutdown);
        }
        IdleTimer.watch(session, context.config().idleTimeout().toNanos());
    }

    private void releaseReplay() {
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }
}
