package io.weir.cluster;

import java.util.Locale;
import java.util.Optional;

/** What a hashing cluster hashes on, parsed once from {@code hash_on} (validated by the config loader). */
public record HashOn(Kind kind, String name) {

    public enum Kind { SOURCE_IP, PATH, HEADER, COOKIE, QUERY }

    public static Optional<HashOn> parse(Optional<String> hashOn) {
        return hashOn.map(text -> {
            int colon = text.indexOf(':');
            String kind = (colon < 0 ? text : text.substring(0, colon)).toUpperCase(Locale.ROOT);
            String name = colon < 0 ? null : text.substring(colon + 1);
            return new HashOn(Kind.valueOf(kind), name);
        });
    }
}
