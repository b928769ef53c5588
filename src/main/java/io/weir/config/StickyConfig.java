package io.weir.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Cookie-insert session affinity for a cluster: {@code sticky: { cookie: WEIRID, … }}. Weir sets the cookie on
 * the first response, naming the endpoint that served it by an HMAC (never its address), and sends later
 * requests carrying it to that endpoint while it can take them.
 *
 * @param cookie    the cookie's name
 * @param path      its {@code Path} attribute
 * @param domain    its {@code Domain} attribute; absent = host-only
 * @param maxAge    its {@code Max-Age}; absent = a session cookie
 * @param secure    the {@code Secure} attribute
 * @param httpOnly  the {@code HttpOnly} attribute (default true)
 * @param sameSite  the {@code SameSite} attribute; absent = not sent
 * @param secretEnv the environment variable holding the HMAC key; absent = a random key per process (cookies
 *                  then do not survive a restart nor work across several Weir nodes)
 */
public record StickyConfig(String cookie, String path, Optional<String> domain, Optional<Duration> maxAge,
                           boolean secure, boolean httpOnly, Optional<SameSite> sameSite,
                           Optional<String> secretEnv) {

    public static final String DEFAULT_COOKIE = "WEIRID";
    public static final String DEFAULT_PATH = "/";

    /** The {@code SameSite} cookie attribute. */
    public enum SameSite { LAX, STRICT, NONE }
}
