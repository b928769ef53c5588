package io.weir.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Binds {@code state: { redis: { uri, timeout, password_env, tls: { verify }, sync_interval } }}. The password is
 * named by an environment variable (or written in the URI), so the config file itself need not hold it.
 */
final class StateBinder {

    static final List<String> STATE_KEYS = List.of("redis");
    static final List<String> REDIS_KEYS = List.of("uri", "timeout", "password_env", "tls", "sync_interval");
    static final List<String> TLS_KEYS = List.of("verify");

    private final Path baseDir;

    StateBinder(Path baseDir) {
        this.baseDir = baseDir;
    }

    Optional<StateConfig> bind(YamlMap top) {
        return top.map("state", "state", STATE_KEYS).flatMap(st -> st.map("redis", "redis", REDIS_KEYS))
                .flatMap(r -> r.requiredNonEmptyString("uri").flatMap(uri -> uri(r, uri)).map(uri -> new StateConfig(
                        uri, r.duration("timeout", StateConfig.DEFAULT_TIMEOUT),
                        r.convert("password_env", StateBinder::envName),
                        r.map("tls", "tls", TLS_KEYS).flatMap(this::tls),
                        r.duration("sync_interval", StateConfig.DEFAULT_SYNC_INTERVAL))));
    }

    private static Optional<String> uri(YamlMap r, String text) {
        try {
            URI u = new URI(text.strip());
            if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return Optional.of(text.strip());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            r.problems().at(r.get("uri").get(), "uri: expected redis://[password@]host:port[/db] or rediss://… "
                    + "for TLS; got '" + text + "'");
            return Optional.empty();
        }
    }

    private Optional<StateConfig.RedisTls> tls(YamlMap m) {
        String verify = m.nonEmptyString("verify").orElse("system");
        if (verify.equals("system")) {
            return Optional.of(new StateConfig.RedisTls(Optional.empty(), true));
        }
        if (verify.equals("none")) {
            return Optional.of(new StateConfig.RedisTls(Optional.empty(), false));
        }
        Path p = baseDir.resolve(verify).normalize();
        if (!Files.isReadable(p)) {
            m.problems().at(m.get("verify").get(), "verify: expected system, none or a CA file; cannot read " + p);
            return Optional.empty();
        }
        return Optional.of(new StateConfig.RedisTls(Optional.of(p), true));
    }

    private static String envName(String text) {
        if (!text.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("expected the name of an environment variable, like "
                    + "WEIR_REDIS_PASSWORD; got '" + text + "'");
        }
        return text;
    }
}
