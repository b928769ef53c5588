package io.weir.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.weir.config.TlsConfig;
import io.weir.config.UpstreamTlsConfig;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TLS towards a cluster's endpoints: one client context per cluster config, built once and shared by
 * every event loop's pool; a handler per connection, with the server name sent (SNI) and verified.
 */
public final class UpstreamTls {

    private static final Map<UpstreamTlsConfig, SslContext> CONTEXTS = new ConcurrentHashMap<>();
    /** Contexts that offer only h2 in ALPN, for {@code protocol: h2} clusters and gRPC health checks. */
    private static final Map<UpstreamTlsConfig, SslContext> H2_CONTEXTS = new ConcurrentHashMap<>();

    private UpstreamTls() {
    }

    /** The handler that encrypts one upstream connection to {@code host}:{@code port}. */
    public static SslHandler newHandler(UpstreamTlsConfig config, ByteBufAllocator alloc, String host, int port) {
        return newHandler(config, alloc, host, port, false);
    }

    /**
     * With {@code h2}, the handshake offers ALPN {@code h2} only (and the cipher suites HTTP/2 allows); the
     * caller checks {@link SslHandler#applicationProtocol()} once the handshake is done.
     */
    public static SslHandler newHandler(UpstreamTlsConfig config, ByteBufAllocator alloc, String host, int port,
                                        boolean h2) {
        String name = config.sni().orElse(host);
        SslContext context = h2 ? H2_CONTEXTS.computeIfAbsent(config, c -> build(c, true)) : context(config);
        SslHandler handler = context.newHandler(alloc, name, port);
        if (config.verifies()) {
            SSLEngine engine = handler.engine();
            SSLParameters params = engine.getSSLParameters();
            // Hostname verification: a certificate valid for another name is refused, as browsers do.
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        return handler;
    }

    static SslContext context(UpstreamTlsConfig config) {
        return CONTEXTS.computeIfAbsent(config, c -> build(c, false));
    }

    private static SslContext build(UpstreamTlsConfig config, boolean h2) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(TlsConfig.DEFAULT_PROTOCOLS);
            if (h2) {
                builder.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2));
            }
            if (config.verifyCa().isPresent()) {
                builder.trustManager(PemFiles.certificates(config.verifyCa().get()));
            } else if (!config.verifySystem()) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            }
            if (config.clientCertificate().isPresent()) {
                TlsConfig.Certificate c = config.clientCertificate().get();
                builder.keyManager(PemFiles.privateKey(c.key()), PemFiles.certificates(c.cert()));
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("upstream tls: " + e.getMessage(), e);
        }
    }
}
