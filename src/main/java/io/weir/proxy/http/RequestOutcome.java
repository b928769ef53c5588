package io.weir.proxy.http;

/**
 * What happened to one downstream request, reported once when it ends (forwarded or answered by Weir).
 * The access log and the metrics read it; it is built on the event loop and formatted elsewhere.
 *
 * @param upstreamConnectNanos from the start until an upstream connection was ready; -1 when none was
 * @param upstreamResponseNanos from the start until the upstream's response head; -1 when none came
 * @param termination          "ok", or why the exchange ended otherwise (for the access log)
 * @param protocol             the downstream's protocol: HTTP/1.0, HTTP/1.1 or HTTP/2
 */
public record RequestOutcome(long startEpochMillis, String downstreamIp, String method, String host, String uri,
                             int status, long bytesIn, long bytesOut, long totalNanos, long upstreamConnectNanos,
                             long upstreamResponseNanos, String listener, String route, String cluster,
                             String endpoint, int attempts, String termination, String protocol) {
}
