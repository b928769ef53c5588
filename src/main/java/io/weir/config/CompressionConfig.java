package io.weir.config;

import java.util.List;

/**
 * A route's {@code compression: { min_size: 1KiB, level: 6, content_types: [text/*, application/json] }}: Weir
 * gzips responses of these types when the client accepts gzip and the upstream sent them uncompressed.
 *
 * @param minSize      responses announcing a smaller Content-Length are sent as they are
 * @param level        zlib level, 1 (fastest) to 9 (smallest)
 * @param contentTypes media types compressed; {@code text/*} stands for the whole family
 */
public record CompressionConfig(long minSize, int level, List<String> contentTypes) {
    public static final long DEFAULT_MIN_SIZE = 1024;
    public static final int DEFAULT_LEVEL = 6;
    // Not text/event-stream: a stream of events must reach the client as each is sent, and is rarely large.
    public static final List<String> DEFAULT_CONTENT_TYPES = List.of("text/html", "text/plain", "text/css",
            "text/javascript", "text/xml", "text/csv", "application/javascript", "application/json",
            "application/xml", "application/wasm", "image/svg+xml");
}
