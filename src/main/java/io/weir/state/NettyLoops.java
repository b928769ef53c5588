package io.weir.state;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * Event loops a client may put its connections on, with the socket channel type that fits them (epoll channels on
 * epoll loops, NIO on NIO).
 */
public record NettyLoops(EventLoopGroup group, Class<? extends SocketChannel> socketChannel) {
}
