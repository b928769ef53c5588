package io.weir.proxy.http;

import io.netty.channel.Channel;
import io.netty.util.NetUtil;
import io.weir.proxy.TrustedProxies;
import io.weir.tls.ClientCertificates;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * The client end of a downstream connection, worked out once per connection rather than per request.
 *
 * @param forwardedFor the client as a {@code Forwarded: for=} node (RFC 7239 §6: an IPv6 address bracketed and
 *                     quoted)
 */
record DownstreamPeer(String ip, String forwardedFor, boolean trusted, String clientCert) {

    /** The client of a downstream connection of {@code listener}, once its TLS handshake (if any) is done. */
    static DownstreamPeer of(Channel connection, HttpListenerContext listener) {
        String clientCert = listener.clientCertHeader() == null ? null : ClientCertificates.describe(connection);
        return of((InetSocketAddress) connection.remoteAddress(), listener.trustedProxies(), clientCert);
    }

    /** @param clientCert the verified client certificate as sent upstream (mTLS), or null */
    static DownstreamPeer of(InetSocketAddress remote, TrustedProxies trustedProxies, String clientCert) {
        String ip = NetUtil.toAddressString(remote.getAddress());
        String node = remote.getAddress() instanceof Inet6Address ? "\"[" + ip + "]\"" : ip;
        return new DownstreamPeer(ip, node, trustedProxies.contains(remote.getAddress()), clientCert);
    }
}
