package io.weir.proxy.http;

import io.netty.util.NetUtil;
import io.weir.proxy.TrustedProxies;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** The client end of a downstream connection, worked out once per connection rather than per request. */
record DownstreamPeer(String ip, boolean ipv6, boolean trusted, String clientCert) {

    /** @param clientCert the verified client certificate as sent upstream (mTLS), or null */
    static DownstreamPeer of(InetSocketAddress remote, TrustedProxies trustedProxies, String clientCert) {
        return new DownstreamPeer(NetUtil.toAddressString(remote.getAddress()), remote.getAddress() instanceof Inet6Address,
                trustedProxies.contains(remote.getAddress()), clientCert);
    }
}
