package io.weir.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Session affinity for a cluster, in one of two modes:
 * <ul>
 *   <li>{@code sticky: { cookie: WEIRID, … }} (mode {@code insert}, the default): Weir sets the cookie on the first
 *   response, naming the endpoint that served it by an HMAC (never its address), and sends later requests carrying
 *   it to that endpoint while it can take them;</li>
 *   <li>{@code sticky: { mode: app_cookie, cookie: JSESSIONID, idle_timeout: 30m }}: Weir learns which endpoint
 *   set the application's own session cookie and sends later requests carrying that value there, in a table of
 *   at most {@code maxEntries} sessions, each forgotten after {@code idleTimeout} unused (shared through
 *   {@code state.redis} when configured).</li>
 * </ul>
 *
 * @param cookie      the cookie's name
 * @param path        its {@code Path} attribute (insert)
 * @param domain      its {@code Domain} attribute; absent = host-only (insert)
 * @param maxAge      its {@code Max-Age}; absent = a session cookie (insert)
 * @param secure      the {@code Secure} attribute (insert)
 * @param httpOnly    the {@code HttpOnly} attribute (default true) (insert)
 * @param sameSite    the {@code SameSite} attribute; absent = not sent (insert)
 * @param secretEnv   the environment variable holding the HMAC key; absent = a random key per process (cookies
 *                    then do not survive a restart nor work across several Weir nodes) (insert)
 * @param mode        insert Weir's own cookie, or learn the application's
 * @param idleTimeout how long a learned session is kept unused (app_cookie)
 * @param maxEntries  the most sessions the learned table holds on one node (app_cookie)
 */
public record StickyConfig(String cookie, String path, Optional<String> domain, Optional<Duration> maxAge,
                           boolean secure, boolean httpOnly, Optional<SameSite> sameSite,
                           Optional<String> secretEnv, Mode mode, Duration idleTimeout, int maxEntries) {

    public static final String DEFAULT_COOKIE = "WEIRID";
    public static final String DEFAULT_PATH = "/";
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    public static final int MAX_MAX_ENTRIES = 10_000_000;

    /** Cookie-insert affinity. */
    public StickyConfig(String cookie, String path, Optional<String> domain, Optional<Duration> maxAge,
                        boolean secure, boolean httpOnly, Optional<SameSite> sameSite, Optional<String> secretEnv) {
        this(cookie, path, domain, maxAge, secure, httpOnly, sameSite, secretEnv, Mode.INSERT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_ENTRIES);
    }

    /** Application-cookie affinity on {@code cookie}. */
    public static StickyConfig appCookie(String cookie, Duration idleTimeout, int maxEntries) {
        return new StickyConfig(cookie, DEFAULT_PATH, Optional.empty(), Optional.empty(), false, true,
                Optional.empty(), Optional.empty(), Mode.APP_COOKIE, idleTimeout, maxEntries);
    }

    /** The {@code SameSite} cookie attribute. */
    public enum SameSite { LAX, STRICT, NONE }

    /** Whose cookie carries the affinity. */
    public enum Mode { INSERT, APP_COOKIE }
}
