package io.weir.config;

import io.netty.util.NetUtil;

/**
 * Checks an address range as written in {@code trusted_proxies}: {@code 10.0.0.0/8}, {@code ::1/128}, or a bare
 * IP, which is returned with its full-length prefix ({@code 10.1.2.3} becomes {@code 10.1.2.3/32}), so every
 * entry the proxy sees is {@code ip/prefix}.
 */
public final class CidrParser {

    private CidrParser() {
    }

    /** @return the range as {@code ip/prefix}; @throws IllegalArgumentException when it is not one */
    public static String parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String ip = slash < 0 ? s : s.substring(0, slash);
        int bits;
        if (NetUtil.isValidIpV4Address(ip)) {
            bits = 32;
        } else if (NetUtil.isValidIpV6Address(ip) && ip.indexOf('%') < 0) {
            bits = 128;
        } else {
            throw new IllegalArgumentException("expected an IP address or CIDR range like 10.0.0.0/8 or ::1/128; got '"
                    + text + "'");
        }
        if (slash < 0) {
            return ip + "/" + bits;
        }
        String prefix = s.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
            throw new IllegalArgumentException("prefix length in '" + text + "' must be a number from 0 to " + bits);
        }
        return ip + "/" + Integer.parseInt(prefix);
    }
}
