package io.weir.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.weir.config.TlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS termination for one listener: a server context per certificate, chosen by the SNI name the
 * client sends (exact or wildcard names, read from the certificates), the first certificate otherwise.
 * BoringSSL through netty-tcnative when it loads, the JDK's provider otherwise.
 */
public final class ServerTls {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final Mapping<String, SslContext> byName;
    private final long handshakeTimeoutMillis;

    private ServerTls(Mapping<String, SslContext> byName, long handshakeTimeoutMillis) {
        this.byName = byName;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** Reads every certificate and key; a bad file fails here, at start, naming the file. */
    public static ServerTls of(TlsConfig config) throws IOException, GeneralSecurityException {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        log.info("TLS provider: {}", provider == SslProvider.OPENSSL
                ? "BoringSSL (" + OpenSsl.versionString() + ")" : "JDK (netty-tcnative not available here)");
        DomainWildcardMappingBuilder<SslContext> mapping = null;
        for (TlsConfig.Certificate c : config.certificates()) {
            X509Certificate[] chain = PemFiles.certificates(c.cert());
            PrivateKey key = PemFiles.privateKey(c.key());
            SslContext context = SslContextBuilder.forServer(key, chain)
                    .sslProvider(provider)
                    .protocols(config.protocols())
                    .ciphers(config.ciphers().isEmpty() ? null : config.ciphers())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_1_1))
                    .build();
            List<String> names = CertificateNames.of(chain[0]);
            if (mapping == null) {
                mapping = new DomainWildcardMappingBuilder<>(context);
            }
            for (String name : names) {
                mapping.add(name, context);
            }
            log.info("TLS certificate {} for {}", c.cert(), names);
        }
        if (mapping == null) {
            throw new GeneralSecurityException("tls: no certificate configured");
        }
        return new ServerTls(mapping.build(), config.handshakeTimeout().toMillis());
    }

    /** The first handler of a TLS connection: picks the certificate by SNI, then decrypts. */
    public SniHandler newHandler() {
        return new SniHandler(byName, handshakeTimeoutMillis) {
            @Override
            protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
                SslHandler handler = super.newSslHandler(context, allocator);
                handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
                return handler;
            }
        };
    }
}
