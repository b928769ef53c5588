package io.weir.proxy.http;

import io.netty.util.NetUtil;
import io.weir.proxy.TrustedProxies;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * The client end of a downstream connection, worked out once per connection rather than per request.
 *
 * @param forwardedFor the client as a {@code Forwarded: for=} node (RFC 7239 §6: an IPv6 address bracketed and
 *                     quoted)
 */
record DownstreamPeer(String ip, String forwardedFor, boolean trusted, String clientCert) {

    /** @param clientCert the verified client certificate as sent upstream (mTLS), or null */
    static DownstreamPeer of(InetSocketAddress remote, TrustedProxies trustedProxies, String clientCert) {
        String ip = NetUtil.toAddressString(remote.getAddress());
        String node = remote.getAddress() instanceof Inet6Address ? "\"[" + ip + "]\"" : ip;
        return new DownstreamPeer(ip, node, trustedProxies.contains(remote.getAddress()), clientCert);
    }
}
