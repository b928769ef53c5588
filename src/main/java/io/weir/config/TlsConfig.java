package io.weir.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * TLS termination on an http listener.
 *
 * <pre>
 * tls:
 *   certificates:                              # the first is the default when SNI matches none
 *     - { cert: certs/site.pem, key: certs/site.key }
 *   protocols: [ TLSv1.3, TLSv1.2 ]            # default
 *   ciphers: [ … ]                             # default: the provider's modern suites
 *   handshake_timeout: 10s
 *   reload_check_interval: 2s                  # certificate files are re-read when they change
 * </pre>
 *
 * @param certificates        PEM chains and keys, paths resolved against the config file's directory
 * @param reloadCheckInterval how often the certificate files are checked for changes
 */
public record TlsConfig(List<Certificate> certificates, List<String> protocols, List<String> ciphers,
                        Duration handshakeTimeout, Duration reloadCheckInterval, Optional<ClientAuth> clientAuth) {

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RELOAD_CHECK_INTERVAL = Duration.ofSeconds(2);

    public static final String DEFAULT_CLIENT_CERT_HEADER = "x-forwarded-client-cert";

    /**
     * mTLS: {@code client_auth: { mode: require | optional, ca: FILE, header: x-forwarded-client-cert }}. The
     * verified client's subject and DNS names go upstream in {@code header}, which is always removed from
     * what clients send.
     */
    public record ClientAuth(boolean required, Path ca, String header) { }

    /** A certificate chain (leaf first) and its private key (PKCS#8, or PKCS#1 for RSA), both PEM. */
    public record Certificate(Path cert, Path key) { }
}
