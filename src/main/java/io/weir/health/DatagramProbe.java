package io.weir.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.weir.config.HealthCheckConfig;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * {@code type: udp}: send one datagram from a fresh socket connected to the endpoint, and pass when a reply
 * comes back starting with {@code expect} (any reply, without it). A port nobody listens on answers with an
 * ICMP port unreachable, which a connected socket reports as refused: that fails at once, not at the timeout.
 */
final class DatagramProbe extends ChannelProbe {

    private final InetSocketAddress address;
    private final SendExpect bytes;

    DatagramProbe(Bootstrap bootstrap, InetSocketAddress address, HealthCheckConfig config) {
        super(bootstrap, config);
        this.address = address;
        this.bytes = new SendExpect(config);
    }

    @Override
    public void start(Consumer<ProbeResult> done) {
        ChannelFuture connect = bootstrap.clone().handler(new Reply(done)).connect(address);
        channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                done.accept(ProbeResult.fail(Reasons.of(f.cause(), config.timeout())));
                connect.channel().close();
                return;
            }
            connect.channel().writeAndFlush(Unpooled.wrappedBuffer(bytes.send())).addListener(w -> {
                if (!w.isSuccess()) {
                    done.accept(ProbeResult.fail(Reasons.of(w.cause(), config.timeout())));
                    connect.channel().close();
                }
            });
        });
    }

    /** Judges the first datagram that comes back. */
    private final class Reply extends ChannelInboundHandlerAdapter {
        private final Consumer<ProbeResult> done;

        Reply(Consumer<ProbeResult> done) {
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf payload = msg instanceof DatagramPacket packet ? packet.content() : (ByteBuf) msg;
                int n = Math.min(payload.readableBytes(), bytes.expectLength());
                done.accept(bytes.judge(ByteBufUtil.getBytes(payload, payload.readerIndex(), n)));
            } finally {
                ReferenceCountUtil.release(msg);
            }
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.accept(ProbeResult.fail(Reasons.of(cause, config.timeout())));
            ctx.close();
        }
    }
}
