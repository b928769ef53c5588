package io.weir.config;

/** Which PROXY protocol header a cluster sends to its endpoints ({@code proxy_protocol: v1 | v2}). */
public enum ProxyProtocolVersion { V1, V2 }
