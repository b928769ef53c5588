package io.weir.proxy.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request refused before it reached any upstream: the status to answer and why (for the log). */
record HttpRejection(HttpResponseStatus status, String reason) {

    static HttpRejection badRequest(String reason) {
        return new HttpRejection(HttpResponseStatus.BAD_REQUEST, reason);
    }
}
