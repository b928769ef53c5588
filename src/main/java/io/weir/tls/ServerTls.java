package io.weir.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
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

    private final TlsConfig config;
    private final boolean http2;
    private final long handshakeTimeoutMillis;
    /** Swapped whole when the certificate files change: new handshakes see the new ones, open connections keep theirs. */
    private volatile Mapping<String, SslContext> byName;
    private volatile HandshakeOutcome handshakes = new HandshakeOutcome(HandshakeObserver.NONE);
    /** The {@link CertificateWatcher}'s polling of these files; null when nothing watches them. */
    private volatile java.util.concurrent.Future<?> watch;

    private ServerTls(TlsConfig config, boolean http2, Mapping<String, SslContext> byName) {
        this.config = config;
        this.http2 = http2;
        this.byName = byName;
        this.handshakeTimeoutMillis = config.handshakeTimeout().toMillis();
    }

    /** Reads every certificate and key; a bad file fails here, at start, naming the file. */
    public static ServerTls of(TlsConfig config) throws IOException, GeneralSecurityException {
        return of(config, false);
    }

    /** As {@link #of(TlsConfig)}; with {@code http2}, ALPN offers h2 before http/1.1. */
    public static ServerTls of(TlsConfig config, boolean http2) throws IOException, GeneralSecurityException {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        log.info("TLS provider: {}", provider == SslProvider.OPENSSL
                ? "BoringSSL (" + OpenSsl.versionString() + ")" : "JDK (netty-tcnative not available here)");
        return new ServerTls(config, http2, mapping(config, http2, provider));
    }

    TlsConfig config() {
        return config;
    }

    /** The header carrying the verified client certificate upstream; null without client_auth. */
    public String clientCertHeader() {
        return config.clientAuth().map(TlsConfig.ClientAuth::header).orElse(null);
    }

    /** Re-reads the certificate files; on any error the certificates in use stay and the error is logged. */
    void reload() {
        try {
            byName = mapping(config, http2, OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
            log.info("TLS certificates reloaded");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.error("TLS certificate reload failed, keeping the certificates in use: {}", e.getMessage());
        }
    }

    private static Mapping<String, SslContext> mapping(TlsConfig config, boolean http2, SslProvider provider)
            throws IOException, GeneralSecurityException {
        DomainWildcardMappingBuilder<SslContext> mapping = null;
        for (TlsConfig.Certificate c : config.certificates()) {
            X509Certificate[] chain = PemFiles.certificates(c.cert());
            PrivateKey key = PemFiles.privateKey(c.key());
            SslContextBuilder builder = SslContextBuilder.forServer(key, chain);
            if (config.clientAuth().isPresent()) {
                TlsConfig.ClientAuth auth = config.clientAuth().get();
                builder.clientAuth(auth.required() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                        .trustManager(PemFiles.certificates(auth.ca()));
            }
            SslContext context = builder
                    .sslProvider(provider)
                    .protocols(config.protocols())
                    .ciphers(config.ciphers().isEmpty() ? null : config.ciphers())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            http2 ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                                    : List.of(ApplicationProtocolNames.HTTP_1_1)))
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
        return mapping.build();
    }

    /** Reports how each handshake of this listener ends (metrics). */
    void watchedBy(java.util.concurrent.Future<?> watch) {
        this.watch = watch;
    }

    /**
     * The listener no longer uses these contexts (it was unbound, or a reload gave it new ones, or a refused
     * reload never used them): their files need not be polled any more.
     */
    public void stopWatching() {
        java.util.concurrent.Future<?> w = watch;
        if (w != null) {
            w.cancel(false);
        }
    }

    public void observeHandshakes(HandshakeObserver observer) {
        handshakes = new HandshakeOutcome(observer);
    }

    /** Puts TLS in front of a new connection's pipeline: {@link #newHandler()}, then the handshake's reporter. */
    public void addTo(io.netty.channel.ChannelPipeline pipeline) {
        pipeline.addLast(newHandler(), handshakes);
    }

    /** The first handler of a TLS connection: picks the certificate by SNI, then decrypts. */
    public SniHandler newHandler() {
        Mapping<String, SslContext> current = byName;
        return new SniHandler(current, handshakeTimeoutMillis) {
            @Override
            protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
                SslHandler handler = super.newSslHandler(context, allocator);
                handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
                return handler;
            }
        };
    }
}
