package io.weir.proxy.http.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.weir.config.HttpSyntax;

/**
 * Recognises the common upstream response that can go downstream as bytes: HTTP/1.0 or 1.1, a final status
 * with a body (not 1xx, 204 or 304), framed by one Content-Length, head and body both in the buffer already,
 * and a head in strict form: CRLF line ends, header names that are tokens with no space before the colon, no
 * control bytes but HTAB, no continuation lines. Such a response is taken out of the buffer already rewritten
 * for the downstream hop: {@code HTTP/1.1}, and without its hop-by-hop lines (Connection with only {@code close}
 * or {@code keep-alive}, Keep-Alive, Proxy-Connection, Upgrade, HTTP2-Settings).
 *
 * <p>Anything else (chunked, Transfer-Encoding, TE, a Connection naming other headers, a response not all
 * here, a byte out of place) is not this parser's to judge: it answers null and Netty's decoder reads the
 * response from its first byte, with its own rules and errors. One parser per upstream connection; one pass
 * over the head.
 */
final class WholeResponseParser implements ByteProcessor {

    private static final byte[] CONTENT_LENGTH = lower("content-length");
    private static final byte[] TRANSFER_ENCODING = lower("transfer-encoding");
    private static final byte[] CONNECTION = lower("connection");
    private static final byte[] KEEP_ALIVE = lower("keep-alive");
    private static final byte[] PROXY_CONNECTION = lower("proxy-connection");
    private static final byte[] UPGRADE = lower("upgrade");
    private static final byte[] HTTP2_SETTINGS = lower("http2-settings");
    private static final byte[] TE = lower("te");
    private static final byte[] CLOSE = lower("close");
    /** Eight hop-by-hop lines at most; a head with more is left to Netty. */
    private static final int MAX_DROPPED = 16;

    private final int maxHead;
    /** Pairs of offsets from the response's start, [start, end) of each hop-by-hop line. */
    private final int[] dropped = new int[MAX_DROPPED];
    /** Where kept head lines wait while they move: one per connection, grown to the longest run moved. */
    private byte[] scratch = new byte[0];

    private ByteBuf in;
    private int base;
    private int pos;
    private int lineStart;
    private int colon;
    private boolean statusLine;
    private boolean afterCr;
    private boolean complete;
    private int status;
    private boolean http10;
    private boolean close;
    private boolean keepAliveToken;
    private long contentLength;
    private int droppedCount;

    WholeResponseParser(int maxHead) {
        this.maxHead = maxHead;
    }

    /** The whole response at the front of {@code buf}, taken out of it; null to leave {@code buf} as it is. */
    WholeResponse parse(ByteBuf buf) {
        int n = buf.readableBytes();
        int r = buf.readerIndex();
        if (n < 16 || buf.getByte(r) != 'H') {
            return null;
        }
        in = buf;
        base = r;
        pos = r;
        lineStart = r;
        colon = -1;
        statusLine = true;
        afterCr = false;
        complete = false;
        close = false;
        keepAliveToken = false;
        contentLength = -1;
        droppedCount = 0;
        int blankLineEnd = buf.forEachByte(r, Math.min(n, maxHead), this);
        in = null;
        if (!complete || contentLength < 0 || buf.isReadOnly()) {
            return null;
        }
        int headLength = blankLineEnd + 1 - r;
        if (headLength + contentLength > n) {
            return null;
        }
        int total = (int) (headLength + contentLength);
        int shift = rewriteHead(buf, r);
        WholeResponse whole = new WholeResponse(buf.retainedSlice(r + shift, total - shift), status,
                http10 ? keepAliveToken && !close : !close, headLength - shift);
        buf.skipBytes(total);
        return whole;
    }

    /**
     * The head made ready for the downstream hop where it lies: {@code HTTP/1.1}, and the kept lines before each
     * dropped one moved over it, towards the body, which stays put. Only a few hundred bytes of head move.
     * Returns how far the response's start moved.
     */
    private int rewriteHead(ByteBuf buf, int r) {
        buf.setByte(r + 7, '1');
        int shift = 0;
        for (int i = droppedCount - 2; i >= 0; i -= 2) {
            shift += dropped[i + 1] - dropped[i];
            int keptStart = i == 0 ? 0 : dropped[i - 1];
            int keptLength = dropped[i] - keptStart;
            if (scratch.length < keptLength) {
                scratch = new byte[Math.max(keptLength, 512)];
            }
            buf.getBytes(r + keptStart, scratch, 0, keptLength);
            buf.setBytes(r + keptStart + shift, scratch, 0, keptLength);
        }
        return shift;
    }

    /** One byte of the head; false stops the walk: at the blank line that ends it, or at anything not taken. */
    @Override
    public boolean process(byte b) {
        int i = pos++;
        if (afterCr) {
            afterCr = false;
            return b == '\n' && endLine(i - 1);
        }
        if (b == '\r') {
            afterCr = true;
            return true;
        }
        if (statusLine || colon >= 0) {
            // The status line or a field value: any byte but a control one (HTAB is allowed, obs-text too).
            return !HttpSyntax.isForbiddenControl(b);
        }
        if (b == ':') {
            if (i == lineStart) {
                return false;
            }
            colon = i;
            return true;
        }
        // A header name: token characters only, so no space before the colon and no continuation line.
        return HttpSyntax.isTokenChar(b);
    }

    private boolean endLine(int cr) {
        if (cr == lineStart) {
            complete = !statusLine;
            return false;
        }
        if (statusLine) {
            if (!statusLine(lineStart, cr)) {
                return false;
            }
            statusLine = false;
        } else if (colon < 0 || !header(lineStart, colon, cr, cr + 2)) {
            return false;
        }
        lineStart = cr + 2;
        colon = -1;
        return true;
    }

    /** {@code HTTP/1.x NNN[ reason]}: a final status that has a body. */
    private boolean statusLine(int s, int e) {
        if (e - s < 12 || in.getByte(s + 1) != 'T' || in.getByte(s + 2) != 'T' || in.getByte(s + 3) != 'P'
                || in.getByte(s + 4) != '/' || in.getByte(s + 5) != '1' || in.getByte(s + 6) != '.'
                || in.getByte(s + 8) != ' ' || (e > s + 12 && in.getByte(s + 12) != ' ')) {
            return false;
        }
        byte minor = in.getByte(s + 7);
        if (minor != '0' && minor != '1') {
            return false;
        }
        http10 = minor == '0';
        int code = 0;
        for (int i = s + 9; i < s + 12; i++) {
            byte d = in.getByte(i);
            if (d < '0' || d > '9') {
                return false;
            }
            code = code * 10 + d - '0';
        }
        status = code;
        return code >= 200 && code < 600 && code != 204 && code != 304;
    }

    /** Only the names that matter here are compared, and only values of those are looked at. */
    private boolean header(int s, int colon, int e, int next) {
        switch (colon - s) {
            case 14:
                return !nameIs(s, CONTENT_LENGTH) || contentLength(colon + 1, e);
            case 17:
                return !nameIs(s, TRANSFER_ENCODING);
            case 2:
                return !nameIs(s, TE);
            case 10:
                if (nameIs(s, CONNECTION)) {
                    return connectionOptions(colon + 1, e) && drop(s, next);
                }
                return !nameIs(s, KEEP_ALIVE) || drop(s, next);
            case 16:
                return !nameIs(s, PROXY_CONNECTION) || drop(s, next);
            case 7:
                return !nameIs(s, UPGRADE) || drop(s, next);
            case 13:
                return !nameIs(s, HTTP2_SETTINGS) || drop(s, next);
            default:
                return true;
        }
    }

    /** One Content-Length of digits only; a second one, even equal, is left to Netty's rules. */
    private boolean contentLength(int vs, int ve) {
        while (vs < ve && HttpSyntax.isWhitespace(in.getByte(vs))) {
            vs++;
        }
        while (ve > vs && HttpSyntax.isWhitespace(in.getByte(ve - 1))) {
            ve--;
        }
        if (contentLength >= 0 || vs == ve || ve - vs > 12) {
            return false;
        }
        long value = 0;
        for (int i = vs; i < ve; i++) {
            byte d = in.getByte(i);
            if (d < '0' || d > '9') {
                return false;
            }
            value = value * 10 + d - '0';
        }
        contentLength = value;
        return true;
    }

    /** Only {@code close} and {@code keep-alive}: a Connection naming other headers is left to Netty. */
    private boolean connectionOptions(int vs, int ve) {
        int t = vs;
        while (t <= ve) {
            int comma = t;
            while (comma < ve && in.getByte(comma) != ',') {
                comma++;
            }
            int ts = t;
            int te = comma;
            while (ts < te && HttpSyntax.isWhitespace(in.getByte(ts))) {
                ts++;
            }
            while (te > ts && HttpSyntax.isWhitespace(in.getByte(te - 1))) {
                te--;
            }
            if (te - ts == CLOSE.length && nameIs(ts, CLOSE)) {
                close = true;
            } else if (te - ts == KEEP_ALIVE.length && nameIs(ts, KEEP_ALIVE)) {
                keepAliveToken = true;
            } else if (te > ts) {
                return false;
            }
            t = comma + 1;
        }
        return true;
    }

    private boolean drop(int lineStart, int next) {
        if (droppedCount == MAX_DROPPED) {
            return false;
        }
        dropped[droppedCount++] = lineStart - base;
        dropped[droppedCount++] = next - base;
        return true;
    }

    /**
     * Case-insensitive match against a lower-case name. Setting bit 0x20 lower-cases a letter; it could also
     * match a control byte to a '-' or a digit, but names here are tokens and values were checked for controls.
     */
    private boolean nameIs(int s, byte[] lowerName) {
        for (int k = 0; k < lowerName.length; k++) {
            if ((in.getByte(s + k) | 0x20) != lowerName[k]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] lower(String name) {
        return name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
