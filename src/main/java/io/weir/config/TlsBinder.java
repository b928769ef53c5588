package io.weir.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.yaml.snakeyaml.nodes.Node;

/** Binds a listener's {@code tls} section; certificate files must exist and be readable. */
final class TlsBinder {

    static final List<String> KEYS = List.of("certificates", "protocols", "ciphers", "handshake_timeout",
            "reload_check_interval", "client_auth");
    static final List<String> CLIENT_AUTH_KEYS = List.of("mode", "ca", "header");
    static final List<String> CERTIFICATE_KEYS = List.of("cert", "key");

    private final YamlReader reader;
    private final Path baseDir;

    TlsBinder(YamlReader reader, Path baseDir) {
        this.reader = reader;
        this.baseDir = baseDir;
    }

    Optional<TlsConfig> bind(Node node) {
        return reader.map(node, "tls", KEYS).map(this::bind);
    }

    private TlsConfig bind(YamlMap m) {
        List<TlsConfig.Certificate> certificates = new ArrayList<>();
        Optional<List<Node>> nodes = m.require("certificates").flatMap(n -> reader.list(n, "certificates"));
        if (nodes.isPresent() && nodes.get().isEmpty()) {
            m.problems().at(m.get("certificates").get(), "certificates: at least one { cert, key } is needed");
        }
        for (Node n : nodes.orElse(List.of())) {
            reader.map(n, "certificate", CERTIFICATE_KEYS).ifPresent(c -> {
                Optional<Path> cert = file(c, "cert");
                Optional<Path> key = file(c, "key");
                if (cert.isPresent() && key.isPresent()) {
                    certificates.add(new TlsConfig.Certificate(cert.get(), key.get()));
                }
            });
        }
        List<String> protocols = strings(m, "protocols").orElse(TlsConfig.DEFAULT_PROTOCOLS);
        for (String p : protocols) {
            if (!TlsConfig.KNOWN_PROTOCOLS.contains(p)) {
                m.problems().at(m.get("protocols").get(), "protocols: '" + p + "' is not offered; expected "
                        + String.join(" and/or ", TlsConfig.KNOWN_PROTOCOLS) + " (older versions are unsafe)");
            }
        }
        List<String> ciphers = strings(m, "ciphers").orElse(List.of());
        return new TlsConfig(List.copyOf(certificates), List.copyOf(protocols), List.copyOf(ciphers),
                m.duration("handshake_timeout", TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT),
                m.duration("reload_check_interval", TlsConfig.DEFAULT_RELOAD_CHECK_INTERVAL),
                m.get("client_auth").flatMap(this::clientAuth));
    }

    private Optional<TlsConfig.ClientAuth> clientAuth(Node node) {
        return reader.map(node, "client_auth", CLIENT_AUTH_KEYS).flatMap(m -> {
            String mode = m.nonEmptyString("mode").orElse("require");
            if (!mode.equals("require") && !mode.equals("optional")) {
                m.problems().at(m.get("mode").get(), "mode: expected require or optional; got '" + mode + "'");
            }
            String header = m.nonEmptyString("header").orElse(TlsConfig.DEFAULT_CLIENT_CERT_HEADER);
            return file(m, "ca").map(ca -> new TlsConfig.ClientAuth(!mode.equals("optional"), ca, header));
        });
    }

    static final List<String> UPSTREAM_KEYS = List.of("verify", "sni", "client_certificate");

    /** A cluster's {@code tls}: re-encryption to its endpoints. */
    Optional<UpstreamTlsConfig> bindUpstream(Node node) {
        return reader.map(node, "tls", UPSTREAM_KEYS).map(m -> {
            String verify = m.nonEmptyString("verify").orElse("system");
            Optional<Path> ca = Optional.empty();
            boolean system = verify.equals("system");
            if (!system && !verify.equals("none")) {
                ca = file(m, "verify");
            }
            Optional<TlsConfig.Certificate> client = m.get("client_certificate")
                    .flatMap(n -> reader.map(n, "client_certificate", CERTIFICATE_KEYS))
                    .flatMap(c -> {
                        Optional<Path> cert = file(c, "cert");
                        Optional<Path> key = file(c, "key");
                        return cert.isPresent() && key.isPresent()
                                ? Optional.of(new TlsConfig.Certificate(cert.get(), key.get())) : Optional.empty();
                    });
            return new UpstreamTlsConfig(ca, system, m.nonEmptyString("sni"), client);
        });
    }

    private Optional<Path> file(YamlMap m, String key) {
        return m.requiredNonEmptyString(key).flatMap(text -> {
            Path p = baseDir.resolve(text).normalize();
            if (!Files.isReadable(p)) {
                m.problems().at(m.get(key).get(), key + ": cannot read " + p);
                return Optional.empty();
            }
            return Optional.of(p);
        });
    }

    private Optional<List<String>> strings(YamlMap m, String key) {
        return m.list(key).map(list -> {
            List<String> out = new ArrayList<>();
            for (Node n : list) {
                reader.text(n, key).ifPresent(out::add);
            }
            return out;
        });
    }
}
