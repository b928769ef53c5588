package io.weir.config;

/** A host (name or IP literal) and port, as written in the config: {@code 127.0.0.1:8080}, {@code [::1]:80}. */
public record HostPort(String host, int port) {

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
