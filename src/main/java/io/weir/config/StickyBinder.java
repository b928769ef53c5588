package io.weir.config;

import java.util.List;
import java.util.Optional;

/** Binds a cluster's {@code sticky: { cookie, path, domain, max_age, secure, http_only, same_site, secret_env }}. */
final class StickyBinder {

    static final List<String> KEYS = List.of("cookie", "path", "domain", "max_age", "secure", "http_only",
            "same_site", "secret_env");

    Optional<StickyConfig> bind(YamlMap cluster) {
        return cluster.map("sticky", "sticky", KEYS).map(StickyBinder::sticky);
    }

    private static StickyConfig sticky(YamlMap m) {
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
        if (!HeadersBinder.isToken(s)) {
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
