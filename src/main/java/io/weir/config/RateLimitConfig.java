package io.weir.config;

/**
 * A route's token bucket: {@code rate_limit: { rate: 100/s, burst: 20, key: client_ip }}.
 *
 * @param perSecond tokens added per second ({@code rate}: {@code N/s} or {@code N/m})
 * @param burst     the bucket's size: how many requests may come at once after a quiet spell
 * @param key       what a bucket is kept per
 * @param scope     {@code local}: buckets per node; {@code global}: shared through {@code state.redis}
 */
public record RateLimitConfig(double perSecond, int burst, Key key, Scope scope) {

    public enum Scope { LOCAL, GLOBAL }

    /** What requests are counted by: {@code client_ip}, {@code header:NAME}, {@code cookie:NAME} or {@code route}. */
    public record Key(Kind kind, String name) {
        public static final Key CLIENT_IP = new Key(Kind.CLIENT_IP, null);
    }

    public enum Kind { CLIENT_IP, HEADER, COOKIE, ROUTE }
}
