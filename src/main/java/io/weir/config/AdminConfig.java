package io.weir.config;

import java.util.Optional;

/** The admin listener: API, metrics, dashboard. */
public record AdminConfig(HostPort listen, Optional<String> tokenEnv) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 9901);
}
