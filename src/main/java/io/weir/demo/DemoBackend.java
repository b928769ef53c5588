package io.weir.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.weir.runtime.ListenFailure;
import io.weir.runtime.ListenSockets;
import io.weir.runtime.Transport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A tiny HTTP server for {@code weir demo}: answers every request with its name and what it received. */
public final class DemoBackend implements AutoCloseable {

    private final Channel channel;

    private DemoBackend(Channel channel) {
        this.channel = channel;
    }

    public static DemoBackend start(String name, InetSocketAddress address, EventLoopGroup group, Transport transport)
            throws InterruptedException {
        ChannelFuture bind = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(transport.childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new Responder(name));
                    }
                })).bind(address);
        try {
            return new DemoBackend(ListenSockets.bound(bind, address));
        } catch (ListenFailure e) {
            throw e.of("demo " + name);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String name;

        Responder(String name) {
            this.name = name;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String body = "hello from " + name + ": " + request.method() + " " + request.uri()
                    + " (x-forwarded-for: " + request.headers().get("x-forwarded-for") + ")\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            response.headers().set("x-backend", name);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
