package io.weir.proxy.http.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * The HTTP/1.1 codec of an upstream connection: Netty's request encoder and response decoder, with what
 * {@code HttpClientCodec} adds that Weir needs (a response to HEAD has no body), one request at a time, and a
 * shortcut: a response that {@link WholeResponseParser} takes, when the exchange allowed it, comes out as one
 * {@link WholeResponse} instead of a decoded head and body.
 */
final class UpstreamHttpCodec extends CombinedChannelDuplexHandler<UpstreamHttpCodec.Decoder, UpstreamHttpCodec.Encoder> {

    private static final int MAX_INITIAL_LINE = 16 * 1024;
    private static final int MAX_HEADER_SIZE = 64 * 1024;

    UpstreamHttpCodec() {
        Decoder decoder = new Decoder();
        init(decoder, new Encoder(decoder));
    }

    /** Whether the response to the request about to be sent may come as a {@link WholeResponse}. */
    void wholeResponses(boolean allowed) {
        inboundHandler().wholeAllowed = allowed;
    }

    static final class Decoder extends HttpResponseDecoder {

        /** A head the parser takes is within both of Netty's limits: those it does not take meet Netty's. */
        private final WholeResponseParser whole = new WholeResponseParser(MAX_HEADER_SIZE);
        private boolean answersHead;
        private boolean wholeAllowed;
        /** Netty's decoder is inside a response: the next bytes are its, not the parser's. */
        private boolean midMessage;
        /** Netty's decoder refused the bytes and discards the rest: so does the parser. */
        private boolean failed;

        Decoder() {
            super(new HttpDecoderConfig()
                    .setMaxInitialLineLength(MAX_INITIAL_LINE)
                    .setMaxHeaderSize(MAX_HEADER_SIZE)
                    .setMaxChunkSize(64 * 1024));
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (wholeAllowed && !midMessage && !failed) {
                WholeResponse response = whole.parse(buffer);
                if (response != null) {
                    wholeAllowed = false;
                    out.add(response);
                    return;
                }
            }
            int first = out.size();
            super.decode(ctx, buffer, out);
            for (int i = first; i < out.size(); i++) {
                Object o = out.get(i);
                if (o instanceof HttpObject http && http.decoderResult().isFailure()) {
                    failed = true;
                }
                if (o instanceof HttpMessage) {
                    midMessage = true;
                }
                if (o instanceof LastHttpContent) {
                    midMessage = false;
                }
            }
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            if (answersHead && ((HttpResponse) msg).status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }

    static final class Encoder extends HttpRequestEncoder {

        private final Decoder decoder;

        Encoder(Decoder decoder) {
            this.decoder = decoder;
        }

        @Override
        protected void encodeInitialLine(ByteBuf buf, HttpRequest request) throws Exception {
            decoder.answersHead = HttpMethod.HEAD.equals(request.method());
            super.encodeInitialLine(buf, request);
        }
    }
}
