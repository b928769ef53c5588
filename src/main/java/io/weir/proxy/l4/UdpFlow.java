package io.weir.proxy.l4;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.runtime.Transport;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client's traffic on a udp listener: bound to one endpoint for its life, with its own upstream socket
 * (connected, so only that endpoint's replies come back on it). Datagrams that arrive while the socket is
 * still being set up wait in a short queue; beyond it they are dropped, as the network could have.
 *
 * <p>Only touched from the listener's event loop.
 */
final class UdpFlow {

    /** Datagrams held while the upstream socket connects. */
    static final int MAX_PENDING = 64;

    private final InetSocketAddress client;
    private final Endpoint endpoint;
    private final UdpFlowTable table;
    private final Channel upstream;
    private ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private long lastActiveNanos = System.nanoTime();
    private boolean closed;
    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private final String listenerName;
    /** The cluster the flow's endpoint was picked from, then the one it was last seen in as reloads replace it. */
    Cluster seenIn;
    private final ConnectionObserver observer;
    private long connectNanos = -1;
    private long bytesIn;
    private long bytesOut;

    UdpFlow(InetSocketAddress client, Endpoint endpoint, UdpFlowTable table, Channel listener, Transport transport,
            String listenerName, Cluster cluster, ConnectionObserver observer) {
        this.client = client;
        this.endpoint = endpoint;
        this.table = table;
        this.listenerName = listenerName;
        this.seenIn = cluster;
        this.observer = observer;
        endpoint.requestStarted();
        ChannelFuture connect = new Bootstrap()
                .group(listener.eventLoop())
                .channel(transport.datagramChannel())
                .handler(new Replies())
                .connect(endpoint.address());
        this.upstream = connect.channel();
        // A socket closed under the flow (an error) ends the flow, so the client's next datagram starts a new one.
        upstream.closeFuture().addListener(f -> {
            if (!closed) {
                table.remove(this, "upstream socket closed");
            }
        });
        connect.addListener(f -> {
            if (f.isSuccess()) {
                connectNanos = System.nanoTime() - startNanos;
                flushPending();
            } else {
                table.remove(this, "upstream socket failed: " + f.cause().getMessage());
            }
        });
    }

    InetSocketAddress client() {
        return client;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    long lastActiveNanos() {
        return lastActiveNanos;
    }

    /** Sends one client datagram upstream; takes ownership of {@code payload}. */
    void send(ByteBuf payload) {
        lastActiveNanos = System.nanoTime();
        bytesIn += payload.readableBytes();
        if (pending != null) {
            if (pending.size() < MAX_PENDING) {
                pending.add(payload);
            } else {
                payload.release();
            }
            return;
        }
        upstream.writeAndFlush(payload, upstream.voidPromise());
    }

    private void flushPending() {
        ArrayDeque<ByteBuf> queued = pending;
        pending = null;
        if (queued == null) {
            return;
        }
        if (closed) {
            queued.forEach(ByteBuf::release);
            return;
        }
        for (ByteBuf b : queued) {
            upstream.write(b, upstream.voidPromise());
        }
        upstream.flush();
    }

    /** Ends the flow for {@code why} (the access log's termination). */
    void close(String why) {
        if (closed) {
            return;
        }
        closed = true;
        if (pending != null) {
            pending.forEach(ByteBuf::release);
            pending.clear();
        }
        upstream.close();
        endpoint.requestEnded(-1);
        if (observer != ConnectionObserver.NONE) {
            observer.connectionEnded(new ConnectionOutcome(startMillis, "udp", client, listenerName, seenIn.name(),
                    endpoint.id(), bytesIn, bytesOut, System.nanoTime() - startNanos, connectNanos, why));
        }
    }

    /** Replies from the endpoint go back to the client from the listener's own address. */
    private final class Replies extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
            lastActiveNanos = System.nanoTime();
            bytesOut += reply.content().readableBytes();
            table.replied(UdpFlow.this, reply.content().retain());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // An ICMP port unreachable from the endpoint shows up here; the flow stays until it idles out,
            // so a restarting endpoint gets the client's next datagrams.
        }
    }
}
