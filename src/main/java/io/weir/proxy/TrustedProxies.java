package io.weir.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * CIDR ranges Weir believes about client addresses: http listeners' {@code trusted_proxies} (forwarding headers)
 * and tcp listeners' {@code trusted_proxy_protocol_sources} (PROXY headers).
 */
public final class TrustedProxies {

    public static final TrustedProxies NONE = new TrustedProxies(new byte[0][], new int[0]);

    private final byte[][] networks;
    private final int[] prefixes;

    private TrustedProxies(byte[][] networks, int[] prefixes) {
        this.networks = networks;
        this.prefixes = prefixes;
    }

    /** Parses {@code 10.0.0.0/8}, {@code ::1/128} or a bare address; the config loader has validated them. */
    public static TrustedProxies of(List<String> cidrs) {
        byte[][] networks = new byte[cidrs.size()][];
        int[] prefixes = new int[cidrs.size()];
        for (int i = 0; i < cidrs.size(); i++) {
            String cidr = cidrs.get(i).trim();
            int slash = cidr.indexOf('/');
            String addr = slash >= 0 ? cidr.substring(0, slash) : cidr;
            try {
                networks[i] = InetAddress.getByName(addr).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address: " + addr, e);
            }
            prefixes[i] = slash >= 0 ? Integer.parseInt(cidr.substring(slash + 1)) : networks[i].length * 8;
        }
        return new TrustedProxies(networks, prefixes);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        for (int i = 0; i < networks.length; i++) {
            if (a.length == networks[i].length && prefixMatches(a, networks[i], prefixes[i])) {
                return true;
            }
        }
        return false;
    }

    private static boolean prefixMatches(byte[] a, byte[] net, int prefix) {
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != net[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (a[full] & mask) == (net[full] & mask);
    }
}
