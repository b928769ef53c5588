package io.weir.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.weir.config.HealthCheckConfig;
import io.weir.runtime.Transport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * {@code type: udp}: send one datagram from a fresh socket connected to the endpoint, and pass when a reply
 * comes back starting with {@code expect} (any reply, without it). A port nobody listens on answers with an
 * ICMP port unreachable, which a connected socket reports as refused: that fails at once, not at the timeout.
 */
final class DatagramProbe implements Probe {

    private final EventLoop loop;
    private final Transport transport;
    private final InetSocketAddress address;
    private final HealthCheckConfig config;
    private final byte[] send;
    private final byte[] expect;
    private Channel channel;

    DatagramProbe(EventLoop loop, Transport transport, InetSocketAddress address, HealthCheckConfig config) {
        this.loop = loop;
        this.transport = transport;
        this.address = address;
        this.config = config;
        this.send = config.send().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        this.expect = config.expect().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    }

    @Override
    public void start(Consumer<ProbeResult> done) {
        ChannelFuture connect = new Bootstrap().group(loop).channel(transport.datagramChannel())
                .handler(new Reply(done)).connect(address);
        channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                done.accept(ProbeResult.fail(Reasons.of(f.cause(), config.timeout())));
                connect.channel().close();
                return;
            }
            connect.channel().writeAndFlush(Unpooled.wrappedBuffer(send)).addListener(w -> {
                if (!w.isSuccess()) {
                    done.accept(ProbeResult.fail(Reasons.of(w.cause(), config.timeout())));
                    connect.channel().close();
                }
            });
        });
    }

    @Override
    public void cancel() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
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
                int n = Math.min(payload.readableBytes(), expect.length);
                byte[] start = ByteBufUtil.getBytes(payload, payload.readerIndex(), n);
                String got = new String(start, StandardCharsets.UTF_8);
                if (n == expect.length && java.util.Arrays.equals(start, expect)) {
                    done.accept(ProbeResult.pass("replied " + payload.readableBytes() + " bytes"
                            + (expect.length > 0 ? " starting " + printable(got) : "")));
                } else {
                    done.accept(ProbeResult.fail("replied " + printable(got) + ", expected "
                            + printable(new String(expect, StandardCharsets.UTF_8))));
                }
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

    private static String printable(String s) {
        return "'" + s.replace("\r", "\\r").replace("\n", "\\n") + "'";
    }
}
