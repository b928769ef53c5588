package io.weir.config;

import java.util.List;
import java.util.Optional;

/** Binds a route's {@code rate_limit: { rate: 100/s, burst: 20, key: client_ip | header:NAME | cookie:NAME | route }}. */
final class RateLimitBinder {

    static final List<String> KEYS = List.of("rate", "burst", "key", "scope");
    static final int MAX_BURST = 1_000_000;

    Optional<RateLimitConfig> bind(YamlMap route) {
        return route.map("rate_limit", "rate_limit", KEYS).flatMap(RateLimitBinder::rateLimit);
    }

    private static Optional<RateLimitConfig> rateLimit(YamlMap m) {
        Optional<Double> rate = m.require("rate").flatMap(n -> m.convert("rate", RateLimitBinder::rate));
        // Without a burst the bucket holds one second's worth (at least one request).
        int burst = m.integer("burst", 1, MAX_BURST)
                .orElse((int) Math.max(1, Math.min(MAX_BURST, Math.ceil(rate.orElse(1.0)))));
        RateLimitConfig.Key key = m.convert("key", RateLimitBinder::key).orElse(RateLimitConfig.Key.CLIENT_IP);
        RateLimitConfig.Scope scope = m.enumValue("scope", RateLimitConfig.Scope.class)
                .orElse(RateLimitConfig.Scope.LOCAL);
        return rate.map(r -> new RateLimitConfig(r, burst, key, scope));
    }

    /** {@code 100/s}, {@code 30/m}: requests per second or per minute, as tokens per second. */
    static double rate(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String unit = slash < 0 ? "" : s.substring(slash + 1).strip();
        double per = switch (unit) {
            case "s" -> 1;
            case "m" -> 60;
            default -> throw new IllegalArgumentException("expected a rate like 100/s or 30/m; got '" + text + "'");
        };
        double count;
        try {
            count = Double.parseDouble(s.substring(0, slash).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a rate like 100/s or 30/m; got '" + text + "'");
        }
        if (!(count > 0) || Double.isInfinite(count)) {
            throw new IllegalArgumentException("the rate must be greater than 0; got '" + text + "'");
        }
        return count / per;
    }

    static RateLimitConfig.Key key(String text) {
        String s = text.strip();
        if (s.equals("client_ip")) {
            return RateLimitConfig.Key.CLIENT_IP;
        }
        if (s.equals("route")) {
            return new RateLimitConfig.Key(RateLimitConfig.Kind.ROUTE, null);
        }
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon);
        String name = colon < 0 ? "" : s.substring(colon + 1);
        if ((kind.equals("header") || kind.equals("cookie")) && HttpSyntax.isToken(name)) {
            return new RateLimitConfig.Key(kind.equals("header") ? RateLimitConfig.Kind.HEADER
                    : RateLimitConfig.Kind.COOKIE, name);
        }
        throw new IllegalArgumentException("expected client_ip, header:NAME, cookie:NAME or route; got '" + text + "'");
    }
}
