package io.weir.config;

/** One problem in a config file, printed as {@code file:line:col: message}. */
public record ConfigError(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
