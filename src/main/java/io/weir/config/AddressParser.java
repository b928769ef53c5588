package io.weir.config;

import io.netty.util.NetUtil;

import java.util.regex.Pattern;

/**
 * Parses {@code host:port} as written in the config: {@code 127.0.0.1:8080}, {@code [::1]:80},
 * {@code localhost:80}. Listen addresses may also be {@code *:8080} (all IPv4 interfaces, the same as
 * {@code 0.0.0.0:8080}; use {@code [::]:8080} for every interface on a dual-stack host) and may use port 0
 * (any free port). Nothing is resolved here: host names stay names.
 */
public final class AddressParser {

    static final String EXPECTED = "expected host:port like 127.0.0.1:8080, [::1]:80 or localhost:80";

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private AddressParser() {
    }

    /** An address to accept on: {@code *} means every IPv4 interface, port 0 means any free port. */
    public static HostPort parseListen(String text) {
        return parse(text, true);
    }

    /** An upstream endpoint address: a real host and a port from 1 to 65535. */
    public static HostPort parseEndpoint(String text) {
        return parse(text, false);
    }

    private static HostPort parse(String text, boolean listen) {
        String s = text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(EXPECTED + "; got '" + text + "'");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new IllegalArgumentException("'" + host + "' is not a valid IPv6 address");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(EXPECTED + "; got '" + text + "' (the port is missing)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("put an IPv6 address in brackets, like [::1]:80; got '" + text + "'");
            }
            host = checkHost(host, text, listen);
        }
        return new HostPort(host, checkPort(port, text, listen));
    }

    private static String checkHost(String host, String text, boolean listen) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException(EXPECTED + "; got '" + text + "' (the host is missing)");
        }
        if (host.equals("*")) {
            if (!listen) {
                throw new IllegalArgumentException("'*' is only for listen addresses; an endpoint needs a host");
            }
            return "0.0.0.0";
        }
        if (host.matches("[0-9.]+")) {
            if (!NetUtil.isValidIpV4Address(host)) {
                throw new IllegalArgumentException("'" + host + "' is not a valid IPv4 address");
            }
            return host;
        }
        if (host.length() > 253) {
            throw new IllegalArgumentException("host name '" + host + "' is longer than 253 characters");
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("'" + host + "' is not a valid host name");
            }
        }
        return host;
    }

    private static int checkPort(String port, String text, boolean listen) {
        int min = listen ? 0 : 1;
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < min || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("port must be a number from " + min + " to 65535; got '" + text + "'");
        }
        return Integer.parseInt(port);
    }
}
