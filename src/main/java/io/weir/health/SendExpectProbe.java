package io.weir.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.weir.config.HealthCheckConfig;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * {@code type: tcp} with {@code send} and/or {@code expect}: connect, send the bytes, and pass when the reply
 * starts with the expected bytes — so a Redis endpoint is checked with {@code PING} → {@code +PONG}, not just
 * an open port.
 */
final class SendExpectProbe extends ChannelProbe {

    private final InetSocketAddress address;
    private final SendExpect bytes;

    SendExpectProbe(Bootstrap bootstrap, InetSocketAddress address, HealthCheckConfig config) {
        super(bootstrap, config);
        this.address = address;
        this.bytes = new SendExpect(config);
    }

    @Override
    public void start(Consumer<ProbeResult> done) {
        ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new Reply(done));
            }
        }).connect(address);
        channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                done.accept(ProbeResult.fail(Reasons.of(f.cause(), config.timeout())));
                return;
            }
            if (bytes.send().length > 0) {
                connect.channel().writeAndFlush(Unpooled.wrappedBuffer(bytes.send()));
            }
            if (bytes.expectLength() == 0) {
                done.accept(ProbeResult.pass("connected, sent " + bytes.send().length + " bytes"));
                connect.channel().close();
            }
        });
    }

    /** Collects the reply until it is as long as the expected prefix, then judges it. */
    private final class Reply extends ChannelInboundHandlerAdapter {
        private final Consumer<ProbeResult> done;
        private final byte[] got = new byte[bytes.expectLength()];
        private int length;

        Reply(Consumer<ProbeResult> done) {
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int n = Math.min(buf.readableBytes(), got.length - length);
                buf.readBytes(got, length, n);
                length += n;
            } finally {
                buf.release();
            }
            if (length == got.length) {
                done.accept(bytes.judge(got));
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (length < got.length) {
                done.accept(ProbeResult.fail("closed after " + length + " of " + got.length + " expected bytes"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.accept(ProbeResult.fail(Reasons.of(cause, config.timeout())));
            ctx.close();
        }
    }
}
