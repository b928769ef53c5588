package io.weir.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An address Weir accepts on. {@code http} listeners route with {@link #routes}; {@code tcp} and
 * {@code udp} listeners forward everything to {@link #cluster}.
 *
 * @param requestHeaderTimeout fixed deadline for a whole request head, from its first byte (or from the
 *                             end of the previous response on a kept-alive connection)
 * @param idleTimeout          how long a downstream connection may sit with no request in flight
 * @param maxRequestLine       longest request line accepted (414 beyond)
 * @param maxHeaderSize        largest header block accepted (431 beyond)
 * @param maxConnections       open downstream connections accepted at once; 0 = no limit
 * @param trustedProxies       CIDR ranges whose X-Forwarded-For / Forwarded headers are kept and appended to
 * @param tls                  TLS termination (http listeners); empty = plain HTTP
 * @param maxFlows             udp: client flows tracked at once; at the cap the one idle longest is evicted
 * @param sniRoutes            tcp: TLS passthrough routes chosen by the ClientHello's server name, first match of
 *                             exact names, then of wildcards; no match (or no SNI) goes to {@link #cluster}
 * @param acceptProxyProtocol  tcp: every downstream connection starts with a PROXY v1 or v2 header, whose addresses
 *                             replace the socket's
 * @param trustedProxyProtocolSources CIDR ranges allowed to connect when {@link #acceptProxyProtocol};
 *                             others are closed
 * @param preambleTimeout      tcp: how long a downstream may take to send its PROXY header and TLS ClientHello
 * @param http2                http: HTTP/2 towards clients (see {@link Http2Config})
 */
public record ListenerConfig(String name, Protocol protocol, HostPort listen, List<RouteConfig> routes,
                             Optional<String> cluster, Duration requestHeaderTimeout, Duration idleTimeout,
                             int maxRequestLine, int maxHeaderSize, int maxConnections,
                             List<String> trustedProxies, Optional<TlsConfig> tls, int maxFlows,
                             List<SniRoute> sniRoutes, boolean acceptProxyProtocol,
                             List<String> trustedProxyProtocolSources, Duration preambleTimeout,
                             Http2Config http2) {

    public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** A udp flow has no close to wait for: it ends after this much silence both ways. */
    public static final Duration DEFAULT_UDP_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_FLOWS = 65_536;
    public static final Duration DEFAULT_PREAMBLE_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_REQUEST_LINE = 8 * 1024;
    public static final int DEFAULT_MAX_HEADER_SIZE = 32 * 1024;
    public static final Protocol DEFAULT_PROTOCOL = Protocol.HTTP;
    /** 0 = no limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 0;
}
