package io.weir.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.NetUtil;
import io.weir.config.ProxyProtocolVersion;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header (haproxy.org/download/2.9/doc/proxy-protocol.txt) Weir sends first on an upstream
 * connection, so the endpoint learns the client's address; tcp and http clusters alike. Both addresses must be of one family in the
 * header, so an IPv4 address paired with an IPv6 one is written in its IPv4-mapped IPv6 form.
 */
public final class ProxyHeaderWriter {

    /** The first 12 bytes of every v2 header. */
    public static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_PROXY_COMMAND = 0x21;
    private static final int V2_TCP4 = 0x11;
    private static final int V2_TCP6 = 0x21;

    private ProxyHeaderWriter() {
    }

    /**
     * @param source      the client, as the downstream socket saw it or as a trusted PROXY header said
     * @param destination the address the client connected to
     */
    public static ByteBuf write(ProxyProtocolVersion version, InetSocketAddress source, InetSocketAddress destination,
                                ByteBufAllocator alloc) {
        InetAddress src = source.getAddress();
        InetAddress dst = destination.getAddress();
        boolean ipv4 = src instanceof Inet4Address && dst instanceof Inet4Address;
        if (!ipv4) {
            src = asIpv6(src);
            dst = asIpv6(dst);
        }
        int srcPort = source.getPort();
        int dstPort = destination.getPort();
        return version == ProxyProtocolVersion.V1
                ? v1(ipv4, src, dst, srcPort, dstPort, alloc)
                : v2(ipv4, src, dst, srcPort, dstPort, alloc);
    }

    private static ByteBuf v1(boolean ipv4, InetAddress src, InetAddress dst, int srcPort, int dstPort,
                              ByteBufAllocator alloc) {
        String line = "PROXY " + (ipv4 ? "TCP4 " : "TCP6 ") + NetUtil.toAddressString(src, true) + " "
                + NetUtil.toAddressString(dst, true) + " " + srcPort + " " + dstPort + "\r\n";
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    private static ByteBuf v2(boolean ipv4, InetAddress src, InetAddress dst, int srcPort, int dstPort,
                              ByteBufAllocator alloc) {
        int addressLength = ipv4 ? 12 : 36;
        ByteBuf buf = alloc.buffer(16 + addressLength);
        buf.writeBytes(V2_SIGNATURE);
        buf.writeByte(V2_PROXY_COMMAND);
        buf.writeByte(ipv4 ? V2_TCP4 : V2_TCP6);
        buf.writeShort(addressLength);
        buf.writeBytes(src.getAddress());
        buf.writeBytes(dst.getAddress());
        buf.writeShort(srcPort);
        buf.writeShort(dstPort);
        return buf;
    }

    private static InetAddress asIpv6(InetAddress a) {
        if (!(a instanceof Inet4Address)) {
            return a;
        }
        byte[] v4 = a.getAddress();
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        try {
            // getByAddress would fold a mapped address back to an Inet4Address; build the Inet6Address directly.
            return Inet6Address.getByAddress(null, v6, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
