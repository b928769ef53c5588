package io.weir.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;

import java.util.List;

/**
 * A downstream stream's frames as HTTP/1.1-shaped objects, and back: Netty's translation, with validation, one
 * instance for every stream (it keeps no state). A request that ends with its HEADERS frame comes as a full
 * request with an empty body, as Netty makes it, but without the pooled buffer Netty allocates for that body,
 * which such a request (most of them: every GET) would only release unread.
 */
final class Http2RequestCodec extends Http2StreamFrameToHttpObjectCodec {

    static final Http2RequestCodec INSTANCE = new Http2RequestCodec();

    private Http2RequestCodec() {
        super(true, true);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out) throws Exception {
        if (frame instanceof Http2HeadersFrame headers && headers.isEndStream() && headers.headers().method() != null) {
            Http2FrameStream stream = headers.stream();
            out.add(HttpConversionUtil.toFullHttpRequest(stream == null ? 0 : stream.id(), headers.headers(),
                    Unpooled.EMPTY_BUFFER, true));
            return;
        }
        super.decode(ctx, frame, out);
    }
}
