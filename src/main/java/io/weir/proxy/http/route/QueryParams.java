package io.weir.proxy.http.route;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a raw query string the way upstream servers do (WHATWG URL, application/x-www-form-urlencoded):
 * parameters are separated by {@code &} only, never {@code ;}; every parameter counts, however many come
 * first; {@code +} is a space; a {@code %} not followed by two hex digits is kept as written rather than
 * refused, so a routing decision never throws.
 */
final class QueryParams {

    private QueryParams() {
    }

    static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> params = new HashMap<>();
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            if (end > start) {
                int eq = query.indexOf('=', start);
                boolean hasValue = eq >= 0 && eq < end;
                String name = decode(query, start, hasValue ? eq : end);
                String value = hasValue ? decode(query, eq + 1, end) : "";
                if (!name.isEmpty()) {
                    params.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
                }
            }
            start = end + 1;
        }
        return params;
    }

    /** Percent- and plus-decodes {@code s[from, to)} as UTF-8; the target's chars are its bytes (ISO-8859-1). */
    static String decode(String s, int from, int to) {
        boolean plain = true;
        for (int i = from; i < to && plain; i++) {
            char c = s.charAt(i);
            plain = c != '%' && c != '+' && c < 0x80;
        }
        if (plain) {
            return s.substring(from, to);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            int hi;
            int lo;
            if (c == '+') {
                out.write(' ');
            } else if (c == '%' && (hi = hex(s, i + 1, to)) >= 0 && (lo = hex(s, i + 2, to)) >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x100) {
                out.write(c);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of the ASCII hex digit at {@code i}, or -1 (also past {@code to}). */
    private static int hex(String s, int i, int to) {
        if (i >= to) {
            return -1;
        }
        char c = s.charAt(i);
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
