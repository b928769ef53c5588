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
 * A downstream stream's frames as HTTP/1.1-shaped objects, and back: Netty's translation, one instance for every
 * stream (it keeps no state). The translation does not validate the headers again: a request's were validated
 * by the frame codec's HPACK decoder ({@link Http2Downstream#codec}), a response's by the upstream's HTTP/1.1
 * decoder or HPACK decoder, and route mutations when the config was loaded; checking each name and value once
 * more on the way through cost about 1% of an h2 proxy's CPU.
 *
 * <p>A request that ends with its HEADERS frame comes as a full request with an empty body, as Netty makes it,
 * but without the pooled buffer Netty allocates for that body, which such a request (most of them: every GET)
 * would only release unread.
 */
final class Http2RequestCodec extends Http2StreamFrameToHttpObjectCodec {

    static final Http2RequestCodec INSTANCE = new Http2RequestCodec();

    private Http2RequestCodec() {
        super(true, false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out) throws Exception {
        if (frame instanceof Http2HeadersFrame headers && headers.isEndStream() && headers.headers().method() != null) {
            Http2FrameStream stream = headers.stream();
            out.add(HttpConversionUtil.toFullHttpRequest(stream == null ? 0 : stream.id(), headers.headers(),
                    Unpooled.EMPTY_BUFFER, false));
            return;
        }
        super.decode(ctx, frame, out);
    }
}
