package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler.UpgradeEvent;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2EventAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.weir.config.Http2Config;
import io.weir.config.ListenerConfig;
import io.weir.proxy.http.upstream.WholeResponse;

/**
 * The HTTP/2 side of a downstream connection: Netty's connection handler (frames, HPACK, stream states, flow
 * control, and the limits described in {@link Http2Downstream}), with each stream's request handled by an
 * {@link Http2StreamDispatcher} kept on the stream itself. A stream costs a state object, not a channel: no
 * pipeline, promises or tasks of its own; its frames reach it as calls, and its response goes to the
 * connection's encoder, or, when it came whole from the upstream, straight to the connection as frames
 * ({@link #writeWhole}).
 */
final class Http2DownstreamHandler extends Http2ConnectionHandler {

    /** Bodies up to this size are copied behind their frames' headers, so that a response is one write. */
    private static final int COPIED_BODY = 4096;

    private final HttpListenerContext listener;
    private final Http2Connection.PropertyKey dispatcherKey;
    private final Integer initialWindowSize;
    private ChannelHandlerContext ctx;
    private DownstreamPeer peer;
    /**
     * The client changed SETTINGS_HEADER_TABLE_SIZE, and Netty's encoder announces its new table size at the start
     * of the next block it encodes: that block must come before any of Weir's own (RFC 7541 §4.2).
     */
    private boolean tableSizeChangePending;

    private Http2DownstreamHandler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                   Http2Settings settings, boolean decoupleCloseAndGoAway, boolean flushPreface,
                                   HttpListenerContext listener) {
        super(decoder, encoder, settings, decoupleCloseAndGoAway, flushPreface);
        this.listener = listener;
        this.dispatcherKey = connection().newKey();
        this.initialWindowSize = settings.initialWindowSize();
        Streams streams = new Streams();
        decoder.frameListener(streams);
        connection().addListener(streams);
        connection().remote().flowController().listener(streams);
    }

    /** A handler for one connection of {@code listener}, with its limits (see {@link Http2Downstream}). */
    static Http2DownstreamHandler create(HttpListenerContext listener) {
        return new Builder(listener).build();
    }

    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Http2DownstreamHandler, Builder> {

        private final HttpListenerContext listener;

        Builder(HttpListenerContext listener) {
            this.listener = listener;
            ListenerConfig config = listener.config();
            Http2Config h2 = config.http2();
            server(true);
            initialSettings(Http2Settings.defaultSettings()
                    .maxConcurrentStreams(h2.maxConcurrentStreams())
                    .initialWindowSize(h2.initialWindowSize())
                    .maxHeaderListSize(config.maxHeaderSize()));
            validateHeaders(true);
            validateRequiredPseudoHeaders(true);
            decoderEnforceMaxRstFramesPerWindow(h2.maxResets(), (int) Math.max(1, h2.resetWindow().toSeconds()));
            encoderEnforceMaxQueuedControlFrames(Http2Downstream.MAX_QUEUED_CONTROL_FRAMES);
            // A close (shutdown, idle) sends GOAWAY and lets the streams in flight finish; shutdown_timeout
            // bounds how long.
            gracefulShutdownTimeoutMillis(-1);
        }

        /** Netty's is protected in its own package: made visible to {@link #create}. */
        @Override
        protected Http2DownstreamHandler build() {
            return super.build();
        }

        @Override
        protected Http2DownstreamHandler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                               Http2Settings settings) {
            return new Http2DownstreamHandler(decoder, encoder, settings, decoupleCloseAndGoAway(), flushPreface(),
                    listener);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
        widenConnectionWindow();
    }

    /**
     * SETTINGS_INITIAL_WINDOW_SIZE covers each stream, not the connection, whose window stays at 64 KiB unless
     * widened by a WINDOW_UPDATE: here by twice what a stream's window gained, so one stream cannot take all of
     * it and hold up the others.
     */
    private void widenConnectionWindow() throws Http2Exception {
        if (initialWindowSize == null) {
            return;
        }
        Http2Stream connectionStream = connection().connectionStream();
        Http2LocalFlowController flow = connection().local().flowController();
        int delta = initialWindowSize - flow.initialWindowSize(connectionStream);
        if (delta > 0) {
            flow.incrementWindowSize(connectionStream, Math.max(delta << 1, delta));
            flush(ctx);
        }
    }

    /**
     * An h2c upgrade: the HTTP/1.1 request that asked for it is stream 1's, already half-closed by the upgrade.
     * It goes through the same translation as a request that came in a HEADERS frame (which drops its
     * connection-specific headers: Upgrade, HTTP2-Settings), with the scheme h2c upgrades only happen on.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof UpgradeEvent upgrade) {
            try {
                FullHttpRequest request = upgrade.upgradeRequest();
                request.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http");
                Http2Headers headers = HttpConversionUtil.toHttp2Headers(request, true);
                openStream(connection().stream(Http2CodecUtil.HTTP_UPGRADE_STREAM_ID), headers, true);
            } catch (Exception e) {
                // As if the request had come in a HEADERS frame: a stream error resets stream 1, others end the
                // connection.
                onError(ctx, false, e);
            } finally {
                upgrade.release();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** The client end of this connection, the same for all its streams: worked out once, by the first. */
    DownstreamPeer peer() {
        if (peer == null) {
            peer = DownstreamPeer.of(ctx.channel(), listener);
        }
        return peer;
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    /**
     * Writes a whole response's frames straight to the connection ({@link Http2WholeResponseFrames}) when nothing
     * about the stream needs Netty's encoder: the request has ended (so no reset follows the response), nothing of
     * the stream waits in flow control, the body fits the stream's and the connection's windows and one frame, and
     * no table size change waits to be announced. The stream's send windows are charged as the encoder would, and
     * the stream closes once the frames are written, as it does after the encoder's last frame.
     *
     * @return false, with nothing written, when the response must go through the encoder
     */
    boolean writeWhole(Http2Stream stream, WholeResponse whole) {
        if (tableSizeChangePending || stream.state() != Http2Stream.State.HALF_CLOSED_REMOTE) {
            return false;
        }
        Http2ConnectionEncoder encoder = encoder();
        Http2RemoteFlowController flow = encoder.flowController();
        Http2Stream connectionStream = connection().connectionStream();
        int maxFrameSize = encoder.configuration().frameSizePolicy().maxFrameSize();
        int body = whole.bodyLength();
        if (body > maxFrameSize || body > flow.windowSize(stream) || body > flow.windowSize(connectionStream)
                || flow.hasFlowControlled(stream)) {
            return false;
        }
        ByteBuf content = whole.content();
        int headLength = whole.headLength();
        boolean copyBody = body <= COPIED_BODY;
        int room = Http2WholeResponseFrames.FRAME_HEADER_LENGTH + (copyBody ? body : 0);
        long maxHeaderListSize = encoder.configuration().headersConfiguration().maxHeaderListSize();
        ByteBuf frames = Http2WholeResponseFrames.headers(ctx.alloc(), stream.id(), content, headLength,
                whole.status(), body == 0, maxFrameSize, maxHeaderListSize, room);
        if (frames == null) {
            return false;
        }
        if (body > 0) {
            charge(flow, stream, body);
            charge(flow, connectionStream, body);
            Http2WholeResponseFrames.dataFrameHeader(frames, stream.id(), body);
        }
        stream.headersSent(false);
        ChannelPromise written = ctx.newPromise();
        if (copyBody) {
            frames.writeBytes(content, content.readerIndex() + headLength, body);
            content.release();
            ctx.write(frames, written);
        } else {
            ctx.write(frames, ctx.voidPromise());
            ctx.write(content.skipBytes(headLength), written);
        }
        closeStreamLocal(stream, written);
        return true;
    }

    private static void charge(Http2RemoteFlowController flow, Http2Stream stream, int bytes) {
        try {
            flow.incrementWindowSize(stream, -bytes);
        } catch (Http2Exception e) {
            // Only a window growing past 2^31-1 throws, and a charge shrinks it.
            throw new IllegalStateException(e);
        }
    }

    /** Netty's encoder wrote a header block, and with it any table size change it had to announce. */
    void headersEncoded() {
        tableSizeChangePending = false;
    }

    private void openStream(Http2Stream stream, Http2Headers headers, boolean endStream) throws Http2Exception {
        Http2StreamDispatcher dispatcher = new Http2StreamDispatcher(listener, this, stream);
        stream.setProperty(dispatcherKey, dispatcher);
        dispatcher.start(ctx);
        dispatcher.onHeaders(headers, endStream);
    }

    private Http2StreamDispatcher dispatcherOf(Http2Stream stream) {
        return stream == null ? null : stream.getProperty(dispatcherKey);
    }

    /** Frames and stream events, handed to the stream they belong to. */
    private final class Streams extends Http2EventAdapter implements Http2RemoteFlowController.Listener {

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endOfStream) throws Http2Exception {
            Http2Stream stream = connection().stream(streamId);
            Http2StreamDispatcher dispatcher = dispatcherOf(stream);
            if (dispatcher == null) {
                openStream(stream, headers, endOfStream);
            } else {
                dispatcher.onHeaders(headers, endOfStream);
            }
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endOfStream)
                throws Http2Exception {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        /** Nothing is counted as read here: a DATA frame's window is given back when its stream takes it. */
        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
                throws Http2Exception {
            Http2Stream stream = connection().stream(streamId);
            Http2StreamDispatcher dispatcher = dispatcherOf(stream);
            int length = data.readableBytes() + padding;
            if (dispatcher == null) {
                return length;
            }
            dispatcher.onData(data, length, endOfStream);
            return 0;
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            if (settings.headerTableSize() != null) {
                tableSizeChangePending = true;
            }
        }

        @Override
        public void onStreamClosed(Http2Stream stream) {
            Http2StreamDispatcher dispatcher = dispatcherOf(stream);
            if (dispatcher != null) {
                dispatcher.downstreamClosed();
            }
        }

        @Override
        public void writabilityChanged(Http2Stream stream) {
            Http2StreamDispatcher dispatcher = dispatcherOf(stream);
            if (dispatcher != null && dispatcher.isWritable()) {
                dispatcher.downstreamWritable();
            }
        }
    }
}
