package io.weir.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Reads a YAML file into a validated {@link WeirConfig}, or every problem with its file:line:col. */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static WeirConfig load(Path file) throws IOException, ConfigException {
        return parse(java.nio.file.Files.readString(file), file, System.getenv());
    }

    /** Parses YAML text; {@code ${VAR}} and {@code ${VAR:-default}} are replaced from {@code env}. */
    public static WeirConfig parse(String yaml, Path file, Map<String, String> env) throws ConfigException {
        throw new UnsupportedOperationException("not yet");
    }
}
