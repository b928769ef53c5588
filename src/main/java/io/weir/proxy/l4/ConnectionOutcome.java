package io.weir.proxy.l4;

import java.net.InetSocketAddress;

/**
 * How one tcp connection or udp flow went, for its access-log line.
 *
 * @param protocol             {@code tcp} or {@code udp}
 * @param downstream           the client (as a trusted PROXY header said, when one did)
 * @param cluster              null when the connection ended before one was chosen
 * @param endpoint             null when no upstream was connected
 * @param bytesIn              bytes from the client; -1 when unknown (spliced in the kernel, see docs/l4.md)
 * @param bytesOut             bytes to the client; -1 when unknown
 * @param upstreamConnectNanos from accept until the upstream was connected (retries included); -1 when it never was
 * @param termination          {@code ok}, or why it ended: "idle timeout 30000ms", "upstream error: …", …
 */
public record ConnectionOutcome(long startEpochMillis, String protocol, InetSocketAddress downstream, String listener,
                                String cluster, String endpoint, long bytesIn, long bytesOut, long durationNanos,
                                long upstreamConnectNanos, String termination) { }
