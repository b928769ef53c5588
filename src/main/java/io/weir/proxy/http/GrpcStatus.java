package io.weir.proxy.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.concurrent.TimeUnit;

/**
 * gRPC's side of Weir's own answers. A gRPC client reads the outcome of a call from {@code grpc-status}, not
 * from the HTTP status, and treats an HTML error page as a protocol error; so when Weir answers a gRPC request
 * itself (no endpoint, upstream failure, timeout, …) the answer is HTTP 200 with the gRPC status in its head,
 * which HTTP/2 sends as a Trailers-Only response. Also reads the call's {@code grpc-timeout}.
 */
final class GrpcStatus {

    static final int DEADLINE_EXCEEDED = 4;
    static final int UNAVAILABLE = 14;

    private GrpcStatus() {
    }

    /** {@code application/grpc}, {@code application/grpc+proto}, …; not gRPC-Web, whose trailers go in the body. */
    static boolean isGrpc(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !type.regionMatches(true, 0, "application/grpc", 0, 16)) {
            return false;
        }
        return type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';';
    }

    /**
     * The gRPC status for an HTTP status Weir answers with, after gRPC's own HTTP mapping, except that Weir's
     * timeouts (504) are DEADLINE_EXCEEDED: the call ran out of time, it did not find the service down.
     */
    static int of(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> 13;          // INTERNAL: the request could not be relayed as sent
            case 401 -> 16;          // UNAUTHENTICATED
            case 403 -> 7;           // PERMISSION_DENIED
            case 404 -> 12;          // UNIMPLEMENTED: no route serves this method
            case 413, 431 -> 8;      // RESOURCE_EXHAUSTED
            case 504 -> DEADLINE_EXCEEDED;
            case 429, 502, 503 -> UNAVAILABLE;
            default -> 2;            // UNKNOWN
        };
    }

    /** Weir's local answer to a gRPC request: 200, {@code grpc-status} and {@code grpc-message}, no body. */
    static FullHttpResponse reply(ByteBufAllocator alloc, HttpResponseStatus status, boolean close) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                alloc.buffer(0));
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
        h.set("grpc-status", of(status.code()));
        // Percent-encoding (gRPC's rule for grpc-message) is not needed: the text is plain ASCII.
        h.set("grpc-message", "weir: " + status.code() + " " + status.reasonPhrase());
        h.set(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (close) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /**
     * The call's deadline from {@code grpc-timeout} (1 to 8 digits and a unit: H, M, S, m, u, n), in nanoseconds;
     * -1 when there is none or it is malformed (then the call runs under the route's own timeouts only).
     */
    static long timeoutNanos(HttpHeaders headers) {
        String v = headers.get("grpc-timeout");
        if (v == null || v.length() < 2 || v.length() > 9) {
            return -1;
        }
        long amount = 0;
        for (int i = 0; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            amount = amount * 10 + (c - '0');
        }
        TimeUnit unit = switch (v.charAt(v.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? -1 : unit.toNanos(amount);
    }
}
