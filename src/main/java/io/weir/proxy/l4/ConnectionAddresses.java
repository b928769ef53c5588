package io.weir.proxy.l4;

import io.netty.channel.Channel;

import java.net.InetSocketAddress;

/**
 * Who a downstream connection really comes from and where it was addressed: the socket's own addresses, or
 * those a trusted PROXY header carried. This is what a PROXY header sent upstream repeats.
 */
record ConnectionAddresses(InetSocketAddress source, InetSocketAddress destination) {

    static ConnectionAddresses of(Channel downstream) {
        ConnectionAddresses told = downstream.attr(L4Attributes.ADDRESSES).get();
        if (told != null) {
            return told;
        }
        return new ConnectionAddresses((InetSocketAddress) downstream.remoteAddress(),
                (InetSocketAddress) downstream.localAddress());
    }
}
