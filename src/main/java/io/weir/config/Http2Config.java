package io.weir.config;

import java.time.Duration;

/**
 * HTTP/2 towards downstream clients on an http listener: offered by ALPN on TLS listeners and taken with
 * prior knowledge (the connection preface) on cleartext ones; {@code Upgrade: h2c} only when asked for.
 * The header list limit is the listener's {@code max_header_size}, measured after HPACK decoding.
 *
 * @param maxConcurrentStreams streams a client may have open at once on one connection (SETTINGS)
 * @param initialWindowSize    flow-control window of each stream (SETTINGS), and so how much of one
 *                             request body Weir takes before the upstream has read it
 * @param maxResets            streams a client may reset within {@link #resetWindow} before the connection
 *                             is closed with GOAWAY (rapid reset, CVE-2023-44487)
 * @param h2cUpgrade           cleartext listeners also switch to HTTP/2 on {@code Upgrade: h2c} (RFC 7540
 *                             §3.2, deprecated by RFC 9113)
 */
public record Http2Config(boolean enabled, int maxConcurrentStreams, int initialWindowSize, int maxResets,
                          Duration resetWindow, boolean h2cUpgrade) {

    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
    public static final int DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
    public static final int DEFAULT_MAX_RESETS = 200;
    public static final Duration DEFAULT_RESET_WINDOW = Duration.ofSeconds(30);

    public static final Http2Config DEFAULT = new Http2Config(true, DEFAULT_MAX_CONCURRENT_STREAMS,
            DEFAULT_INITIAL_WINDOW_SIZE, DEFAULT_MAX_RESETS, DEFAULT_RESET_WINDOW, false);
}
