package io.weir.proxy.http.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP objects over one h2 stream, in the shape {@code HttpClientCodec} gives them, so an exchange speaks to an
 * h2 upstream as it does to an HTTP/1.1 one: a response is always a head, its contents and a last content that
 * carries the trailers (never one full message), and Netty's {@code x-http2-*} bookkeeping headers stay inside.
 * Requests leave with {@code :authority} taken from Host, which the conversion would otherwise drop for an
 * origin-form target; connection-specific headers (Connection and what it names, Keep-Alive, Proxy-Connection,
 * Transfer-Encoding, Upgrade, TE other than trailers) are dropped by the conversion itself.
 */
final class H2StreamCodec extends Http2StreamFrameToHttpObjectCodec {

    private final UpstreamConnection connection;

    H2StreamCodec(UpstreamConnection connection) {
        super(false, true);
        this.connection = connection;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HttpObject obj, List<Object> out) throws Exception {
        String host = obj instanceof HttpRequest request ? request.headers().get(HttpHeaderNames.HOST) : null;
        int from = out.size();
        super.encode(ctx, obj, out);
        if (host != null) {
            for (int i = from; i < out.size(); i++) {
                if (out.get(i) instanceof Http2HeadersFrame frame && frame.headers().authority() == null) {
                    frame.headers().authority(host);
                }
            }
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out) throws Exception {
        List<Object> decoded = new ArrayList<>(1);
        super.decode(ctx, frame, decoded);
        for (Object msg : decoded) {
            if (msg instanceof HttpResponse response) {
                response.headers().remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
                if (response instanceof FullHttpResponse full) {
                    // A HEADERS frame that ends the stream (or a 1xx): split as HttpClientCodec would.
                    out.add(new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()));
                    out.add(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
                    continue;
                }
            }
            out.add(msg);
        }
    }

    /**
     * A reset or a GOAWAY arrives as an event, ahead of response frames still queued for reading; the stream's
     * close follows once those are read, so these only note why, and whether the request was left unprocessed.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof Http2ResetFrame reset) {
            Http2Error error = Http2Error.valueOf(reset.errorCode());
            String name = error == null ? "error " + reset.errorCode() : error.name();
            if (error == Http2Error.REFUSED_STREAM) {
                connection.refused();
            }
            connection.closeCause(new IOException("stream reset by the upstream (" + name + ")"));
            return;
        }
        if (evt instanceof Http2GoAwayFrame goAway) {
            // Only streams above the GOAWAY's last stream id hear it: the upstream never processed them.
            ReferenceCountUtil.release(goAway);
            connection.refused();
            connection.closeCause(new IOException("the upstream sent GOAWAY before processing the request"));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
