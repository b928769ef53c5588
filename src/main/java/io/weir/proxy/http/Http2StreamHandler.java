package io.weir.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream of a downstream connection: one request, routed, balanced, retried and reported by the
 * same {@link RequestDispatcher} logic as an HTTP/1.1 request. It lives on the stream's child channel, whose
 * event loop is the connection's, so its upstream connection is on that loop too. Reads are explicit: a
 * DATA frame is read (and its flow-control window given back to the client) only when the upstream has
 * taken the previous one.
 */
final class Http2StreamHandler extends RequestDispatcher {

    private static final Logger log = LoggerFactory.getLogger(Http2StreamHandler.class);
    /** The pseudo-headers as Netty's translation names them: Weir's business, never an upstream's. */
    private static final CharSequence[] EXTENSION_HEADERS = {
        HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(),
        HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
        HttpConversionUtil.ExtensionHeaderNames.PATH.text(),
        HttpConversionUtil.ExtensionHeaderNames.STREAM_PROMISE_ID.text(),
        HttpConversionUtil.ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(),
        HttpConversionUtil.ExtensionHeaderNames.STREAM_WEIGHT.text(),
    };

    /** The request was dispatched: anything after it on this stream is its body, or dropped. */
    private boolean dispatched;
    private final Http2ResponseWriter writer;

    Http2StreamHandler(HttpListenerContext listener, Http2ResponseWriter writer) {
        super(listener);
        this.writer = writer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && !dispatched) {
            dispatched = true;
            dispatch(headOf(request));
        } else if (msg instanceof HttpContent content && exchange != null) {
            exchange.onDownstreamContent(content);
        } else {
            // The rest of a request answered already: dropped, and read on so the stream's end closes it.
            ReferenceCountUtil.release(msg);
            ctx.read();
        }
    }

    /**
     * The head alone: a request that ended with its HEADERS frame comes as a full request, whose (empty)
     * end the exchange writes itself, as for any bodiless request.
     */
    private static HttpRequest headOf(HttpRequest request) {
        HttpHeaders headers = request.headers();
        for (CharSequence name : EXTENSION_HEADERS) {
            headers.remove(name);
        }
        if (request instanceof FullHttpRequest full) {
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), headers);
            full.release();
            return head;
        }
        return request;
    }

    @Override
    Channel connection() {
        return ctx.channel().parent();
    }

    @Override
    String protocol(HttpRequest request) {
        return "HTTP/2";
    }

    @Override
    boolean mayKeepAlive() {
        return true;
    }

    @Override
    void answeringHead(boolean head) {
        writer.answeringHead(head);
    }

    @Override
    boolean closesAfter(boolean close) {
        // A stream ends with its response; Connection: close means nothing to HTTP/2 (the codec drops it).
        return false;
    }

    @Override
    void exchangeDone(boolean keepAlive) {
        exchange = null;
        closing = true;
        ctx.flush();
        // Drains what the client still had queued, so the child channel closes once the stream has ended.
        ctx.read();
    }

    @Override
    void abort() {
        exchange = null;
        closing = true;
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before the request was taken: one HTTP/1.1 cannot carry (its headers failed translation). After: the
        // stream failed. Either way it is reset; the exchange, if any, ends when the stream's channel closes.
        log.debug("downstream {} stream {}: {}", connection().remoteAddress(), ctx.channel(), cause.toString());
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(errorOf(cause)));
        }
        ctx.close();
    }

    /** The HTTP/2 error code a failure resets its stream with: the codec's own, when it named one. */
    private Http2Error errorOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof Http2Exception h2) {
                return h2.error();
            }
        }
        return dispatched ? Http2Error.INTERNAL_ERROR : Http2Error.PROTOCOL_ERROR;
    }
}
