package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * Netty's request decoder, strict (RFC 9112 framing, strict line endings), plus a {@link HeadScanner}
 * pass over each request head for what Netty still tolerates and a proxy must not pass on. A head that
 * fails the scan becomes an {@link HttpRejection}, answered 400 and never forwarded; after it the
 * connection's bytes are discarded until it closes.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    private final HeadScanner scanner = new HeadScanner();
    /** True from the end of one message until the next head has been decoded. */
    private boolean inHead = true;
    /** Bytes at the front of the cumulation already scanned. */
    private int scanned;
    private boolean rejected;

    StrictRequestDecoder(int maxRequestLine, int maxHeaderSize) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxRequestLine)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false));
    }

    /** Bytes received but not yet decoded: the start of a pipelined request. */
    boolean hasBufferedBytes() {
        return actualReadableBytes() > 0;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (rejected) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        if (inHead && !scanner.done()) {
            String problem = scanner.scan(buffer, buffer.readerIndex() + scanned, buffer.writerIndex());
            scanned = buffer.readableBytes();
            if (problem != null) {
                rejected = true;
                buffer.skipBytes(buffer.readableBytes());
                out.add(HttpRejection.badRequest(problem));
                return;
            }
        }
        int before = buffer.readerIndex();
        int firstOut = out.size();
        super.decode(ctx, buffer, out);
        scanned = Math.max(0, scanned - (buffer.readerIndex() - before));
        for (int i = firstOut; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpMessage) {
                inHead = false;
            }
            if (msg instanceof LastHttpContent) {
                // What follows in the cumulation is the next (pipelined) head: scan it from its start.
                inHead = true;
                scanner.reset();
                scanned = 0;
            }
        }
    }
}
