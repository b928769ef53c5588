package io.weir.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The admin listener: API, metrics, dashboard. Its bearer token comes from an environment variable
 * ({@code token_env}) or a file ({@code token_file}), never from the YAML; at most one of the two is set.
 */
public record AdminConfig(HostPort listen, Optional<String> tokenEnv, Optional<Path> tokenFile) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 9901);

    public AdminConfig(HostPort listen, Optional<String> tokenEnv) {
        this(listen, tokenEnv, Optional.empty());
    }

    /**
     * The token as configured now: the variable's value, or the file's content without surrounding white space
     * (so the newline editors add does not count); null when neither is configured.
     *
     * @throws IllegalStateException when the file cannot be read or is empty
     */
    public String token(Function<String, String> env) {
        if (tokenFile.isPresent()) {
            return readTokenFile(tokenFile.get());
        }
        return tokenEnv.map(env).orElse(null);
    }

    /** The token in {@code file}; a clear message when it cannot be read or holds nothing. */
    static String readTokenFile(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("admin token_file " + file + ": cannot read it ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (token.isEmpty()) {
            throw new IllegalStateException("admin token_file " + file + " is empty; put the bearer token in it");
        }
        return token;
    }
}
