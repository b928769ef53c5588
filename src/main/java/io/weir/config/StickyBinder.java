package io.weir.config;

import java.util.List;
import java.util.Optional;

/**
 * Binds a cluster's {@code sticky: { mode, cookie, … }}: {@code mode: insert} (the default) with
 * {@code path, domain, max_age, secure, http_only, same_site, secret_env}, or {@code mode: app_cookie} with
 * {@code idle_timeout, max_entries}. A key of the other mode is an error, not silently ignored.
 */
final class StickyBinder {

    static final List<String> INSERT_KEYS = List.of("path", "domain", "max_age", "secure", "http_only", "same_site",
            "secret_env");
    static final List<String> APP_COOKIE_KEYS = List.of("idle_timeout", "max_entries");
    static final List<String> KEYS = List.of("mode", "cookie", "path", "domain", "max_age", "secure", "http_only",
            "same_site", "secret_env", "idle_timeout", "max_entries");

    Optional<StickyConfig> bind(YamlMap cluster) {
        return cluster.map("sticky", "sticky", KEYS).map(StickyBinder::sticky);
    }

    private static StickyConfig sticky(YamlMap m) {
        StickyConfig.Mode mode = m.enumValue("mode", StickyConfig.Mode.class).orElse(StickyConfig.Mode.INSERT);
        List<String> foreign = mode == StickyConfig.Mode.INSERT ? APP_COOKIE_KEYS : INSERT_KEYS;
        for (String key : foreign) {
            m.keyNode(key).ifPresent(k -> m.problems().at(k, "sticky: '" + key + "' is for mode: "
                    + (mode == StickyConfig.Mode.INSERT ? "app_cookie" : "insert") + "; this one is mode: "
                    + mode.name().toLowerCase(java.util.Locale.ROOT)));
        }
        if (mode == StickyConfig.Mode.APP_COOKIE) {
            if (!m.has("cookie")) {
                m.problems().at(m.mark(), "sticky: mode: app_cookie needs 'cookie', the name of the application's "
                        + "session cookie (JSESSIONID, PHPSESSID, …)");
            }
            return StickyConfig.appCookie(m.convert("cookie", StickyBinder::token).orElse("JSESSIONID"),
                    m.duration("idle_timeout", StickyConfig.DEFAULT_IDLE_TIMEOUT),
                    m.integer("max_entries", 1, StickyConfig.MAX_MAX_ENTRIES).orElse(StickyConfig.DEFAULT_MAX_ENTRIES));
        }
        String cookie = m.convert("cookie", StickyBinder::token).orElse(StickyConfig.DEFAULT_COOKIE);
        String path = m.convert("path", StickyBinder::attribute).orElse(StickyConfig.DEFAULT_PATH);
        Optional<String> domain = m.convert("domain", StickyBinder::attribute);
        boolean secure = m.bool("secure").orElse(false);
        Optional<StickyConfig.SameSite> sameSite = m.enumValue("same_site", StickyConfig.SameSite.class);
        if (sameSite.orElse(null) == StickyConfig.SameSite.NONE && !secure) {
            m.problems().at(m.get("same_site").get(), "same_site: none needs secure: true (browsers drop a "
                    + "SameSite=None cookie without Secure)");
        }
        return new StickyConfig(cookie, path, domain, m.duration("max_age"), secure,
                m.bool("http_only").orElse(true), sameSite, m.convert("secret_env", StickyBinder::token));
    }

    private static String token(String text) {
        String s = text.strip();
        if (!HttpSyntax.isToken(s)) {
            throw new IllegalArgumentException("expected a name of letters, digits and !#$%&'*+-.^_`|~; got '"
                    + text + "'");
        }
        return s;
    }

    /** A cookie attribute value: no separators that would end the attribute or start another. */
    private static String attribute(String text) {
        String s = text.strip();
        if (s.isEmpty() || s.chars().anyMatch(c -> c == ';' || c == ',' || c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("expected a value without spaces, ';' or ','; got '" + text + "'");
        }
        return s;
    }
}
