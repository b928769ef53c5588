package io.weir.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Re-encryption to a cluster's endpoints: {@code tls: { verify: system | none | CA-FILE, sni: NAME,
 * client_certificate: { cert, key } }}. Hostnames are verified unless {@code verify: none}.
 *
 * @param verifyCa          the CA file to trust; empty with {@code verifySystem} = the JDK's trust store
 * @param verifySystem      trust the JDK's default CAs
 * @param sni               the server name sent and verified; default: each endpoint's host
 * @param clientCertificate presented when the upstream asks (mTLS towards the upstream)
 */
public record UpstreamTlsConfig(Optional<Path> verifyCa, boolean verifySystem, Optional<String> sni,
                                Optional<TlsConfig.Certificate> clientCertificate) {

    /** {@code verify: none}: encryption without authentication, for tests and private networks. */
    public boolean verifies() {
        return verifySystem || verifyCa.isPresent();
    }
}
