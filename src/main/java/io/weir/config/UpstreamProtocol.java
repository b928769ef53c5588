package io.weir.config;

/**
 * What a cluster's endpoints speak ({@code protocol: http1 | h2}). {@code h2} multiplexes many requests over
 * few connections: over {@code tls} it is negotiated with ALPN, in cleartext it is h2c with prior knowledge.
 */
public enum UpstreamProtocol { HTTP1, H2 }
