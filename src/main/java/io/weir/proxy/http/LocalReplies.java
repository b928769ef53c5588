package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Responses Weir writes itself: errors, redirects, direct responses. */
final class LocalReplies {

    private LocalReplies() {
    }

    static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, boolean close) {
        return text(alloc, status, status.code() + " " + status.reasonPhrase() + "\n", "text/plain; charset=utf-8",
                close);
    }

    static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status, String body, String contentType,
                                 boolean close) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (bytes.length > 0) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
