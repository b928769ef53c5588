package io.weir.proxy.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request refused before it reached any upstream: the status to answer and why (for the log). No status: the
 * client ended its side before its request head was whole, so there is nothing to answer.
 */
record HttpRejection(HttpResponseStatus status, String reason) {

    static HttpRejection badRequest(String reason) {
        return new HttpRejection(HttpResponseStatus.BAD_REQUEST, reason);
    }

    static HttpRejection headCutShort() {
        return new HttpRejection(null, "downstream closed before the request head was complete");
    }
}
