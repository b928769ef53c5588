package io.weir.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * An HTTP/2 client that writes frames byte by byte, for the tests where the point is a peer that breaks the
 * rules (header names HTTP/2 forbids, floods of resets or pings, lying content-lengths) which a real client
 * library would refuse to send. Header blocks are HPACK literals without indexing, so anything can be sent;
 * the server's header blocks are decoded with Netty's decoder.
 */
public final class RawH2 implements AutoCloseable {

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    public static final int END_HEADERS = 0x4;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One frame read from the server; {@code headers} is set for HEADERS frames. */
    public record Frame(int type, int flags, int stream, byte[] payload, Http2Headers headers) {
        public boolean endStream() {
            return (flags & END_STREAM) != 0 && (type == DATA || type == HEADERS);
        }

        /** The error code of a RST_STREAM or GOAWAY. */
        public int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xff) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8)
                    | (payload[at + 3] & 0xff);
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + ", flags=" + flags + ", stream=" + stream + ", length=" + payload.length
                    + (headers == null ? "" : ", headers=" + headers) + "]";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

    private RawH2(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Cleartext HTTP/2 with prior knowledge: the preface and an empty SETTINGS. */
    public static RawH2 connect(int port) throws IOException {
        RawH2 c = new RawH2(new Socket(InetAddress.getLoopbackAddress(), port));
        c.preface();
        return c;
    }

    /** As {@link #connect(int)}, with a small receive buffer so that what the server sends backs up soon. */
    public static RawH2 connectWithSmallReceiveBuffer(int port) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        RawH2 c = new RawH2(s);
        c.preface();
        return c;
    }

    /** HTTP/2 over TLS to a listener serving the test CA's certificates, negotiated by ALPN. */
    public static RawH2 connectTls(int port) throws IOException {
        SSLSocket s = (SSLSocket) TestTls.trustingTestCa().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port);
        SSLParameters params = s.getSSLParameters();
        params.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
        params.setApplicationProtocols(new String[] {"h2"});
        s.setSSLParameters(params);
        s.startHandshake();
        if (!"h2".equals(s.getApplicationProtocol())) {
            s.close();
            throw new IOException("ALPN chose '" + s.getApplicationProtocol() + "', not h2");
        }
        RawH2 c = new RawH2(s);
        c.preface();
        return c;
    }

    private void preface() throws IOException {
        out.write(PREFACE);
        frame(SETTINGS, 0, 0, new byte[0]);
    }

    public Socket socket() {
        return socket;
    }

    // ---- writing ------------------------------------------------------------------------------------------

    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(frameBytes(type, flags, stream, payload));
        out.flush();
    }

    public static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** A GET of {@code path} on {@code stream}, ending the stream. */
    public void get(int stream, String path) throws IOException {
        headers(stream, true, ":method", "GET", ":scheme", "http", ":path", path, ":authority", "weir.test");
    }

    /** A HEADERS frame with END_HEADERS; {@code nameValues} go on the wire exactly as given. */
    public void headers(int stream, boolean endStream, String... nameValues) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block(nameValues));
    }

    public void data(int stream, byte[] bytes, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, stream, bytes);
    }

    public void rst(int stream, int errorCode) throws IOException {
        frame(RST_STREAM, 0, stream, int32(errorCode));
    }

    /** A SETTINGS frame with one parameter (RFC 9113 §6.5.2). */
    public void setting(int id, int value) throws IOException {
        byte[] v = int32(value);
        frame(SETTINGS, 0, 0, new byte[] {(byte) (id >>> 8), (byte) id, v[0], v[1], v[2], v[3]});
    }

    /**
     * Tells the server that this client's HPACK table holds at most {@code size} bytes, and holds its decoder to
     * that: the server's next header block must start by announcing a table that fits (RFC 7541 §4.2).
     */
    public void headerTableSize(int size) throws IOException {
        setting(0x1, size);
        try {
            decoder.configuration().maxHeaderTableSize(size);
        } catch (Http2Exception e) {
            throw new IOException(e);
        }
    }

    public void windowUpdate(int stream, int increment) throws IOException {
        frame(WINDOW_UPDATE, 0, stream, int32(increment));
    }

    public static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** An HPACK header block of literals without indexing, new names (RFC 7541 §6.2.2). */
    public static byte[] block(String... nameValues) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
            b.write(0x00);
            string(b, nameValues[i]);
            string(b, nameValues[i + 1]);
        }
        return b.toByteArray();
    }

    private static void string(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(b, 7, 0x00, bytes.length);
        b.writeBytes(bytes);
    }

    /** An HPACK integer with an {@code n}-bit prefix (RFC 7541 §5.1). */
    public static void integer(ByteArrayOutputStream b, int n, int firstByteFlags, int value) {
        int max = (1 << n) - 1;
        if (value < max) {
            b.write(firstByteFlags | value);
            return;
        }
        b.write(firstByteFlags | max);
        value -= max;
        while (value >= 128) {
            b.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        b.write(value);
    }

    // ---- reading ------------------------------------------------------------------------------------------

    /** The next frame; SETTINGS from the server are acknowledged on the way. Null at the end of the stream. */
    public Frame read() throws IOException {
        byte[] head = new byte[9];
        try {
            in.readFully(head);
        } catch (EOFException | SocketException e) {
            return null;
        }
        int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
        int type = head[3] & 0xff;
        int flags = head[4] & 0xff;
        int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (type == SETTINGS && (flags & ACK) == 0) {
            try {
                frame(SETTINGS, ACK, 0, new byte[0]);
            } catch (IOException closed) {
                // The server closed its end; what it sent is still read.
            }
        }
        Http2Headers headers = null;
        if (type == HEADERS) {
            ByteBuf block = Unpooled.wrappedBuffer(payload);
            try {
                headers = decoder.decodeHeaders(stream, block);
            } catch (Http2Exception e) {
                throw new IOException(e);
            } finally {
                block.release();
            }
        }
        return new Frame(type, flags, stream, payload, headers);
    }

    /** Reads until a frame matches; null when the connection ends first. */
    public Frame await(Predicate<Frame> wanted) throws IOException {
        Frame f;
        while ((f = read()) != null) {
            if (wanted.test(f)) {
                return f;
            }
        }
        return null;
    }

    /** Reads until the GOAWAY; null when the connection ends without one. */
    public Frame awaitGoAway() throws IOException {
        return await(f -> f.type() == GOAWAY);
    }

    /** What the server answered on {@code stream}: its frames up to the end of the stream or its reset. */
    public Response response(int stream) throws IOException {
        Response r = new Response();
        Frame f;
        while ((f = read()) != null) {
            if (f.stream() != stream) {
                continue;
            }
            if (f.type() == RST_STREAM) {
                r.reset = f.errorCode();
                return r;
            }
            if (f.type() == HEADERS) {
                if (r.headers == null) {
                    r.headers = f.headers();
                } else {
                    r.trailers = f.headers();
                }
            } else if (f.type() == DATA) {
                r.body.writeBytes(f.payload());
                if (f.payload().length > 0) {
                    // Gives the window back at once, so any body size flows.
                    windowUpdate(0, f.payload().length);
                    if (!f.endStream()) {
                        windowUpdate(stream, f.payload().length);
                    }
                }
            }
            if (f.endStream()) {
                return r;
            }
        }
        r.connectionClosed = true;
        return r;
    }

    /**
     * Reads {@code stream}'s response body to its end without keeping it, giving each DATA frame's window
     * back as it is read; returns the body's length.
     */
    public long drain(int stream) throws IOException {
        long length = 0;
        Frame f;
        while ((f = read()) != null) {
            if (f.stream() != stream) {
                continue;
            }
            if (f.type() == RST_STREAM) {
                throw new IOException("stream " + stream + " reset: " + f.errorCode());
            }
            if (f.type() == DATA && f.payload().length > 0) {
                length += f.payload().length;
                windowUpdate(0, f.payload().length);
                if (!f.endStream()) {
                    windowUpdate(stream, f.payload().length);
                }
            }
            if (f.endStream()) {
                return length;
            }
        }
        throw new EOFException("connection closed after " + length + " bytes");
    }

    /** A response as read by {@link #response}. */
    public static final class Response {
        public Http2Headers headers;
        public Http2Headers trailers;
        public final ByteArrayOutputStream body = new ByteArrayOutputStream();
        /** The RST_STREAM error code, -1 when the stream was not reset. */
        public int reset = -1;
        public boolean connectionClosed;

        public int status() {
            return headers == null ? -1 : Integer.parseInt(headers.status().toString());
        }

        public String bodyText() {
            return body.toString(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Response[headers=" + headers + ", trailers=" + trailers + ", body=" + body.size() + " bytes, reset="
                    + reset + ", closed=" + connectionClosed + "]";
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
