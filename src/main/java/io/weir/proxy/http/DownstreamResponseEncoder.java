package io.weir.proxy.http;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Response encoder that knows when the response answers a HEAD request: its headers may announce a
 * body (Content-Length, chunked) that is never sent, so the encoder must write none, not even a
 * terminating chunk.
 */
final class DownstreamResponseEncoder extends HttpResponseEncoder {

    private boolean answeringHead;

    void answeringHead(boolean head) {
        this.answeringHead = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        if (answeringHead && msg.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            return true;
        }
        return super.isContentAlwaysEmpty(msg);
    }
}
