package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * Byte rules for a request head that Netty's decoder is lenient about (RFC 9112 §2.2, §5.2): every line
 * ends in CRLF, no control bytes but HTAB, no obs-fold continuation lines. Fed incrementally; stops at
 * the blank line that ends the head.
 */
final class HeadScanner {

    private int lines;
    private int lineLength;
    private boolean afterCr;
    private boolean done;

    boolean done() {
        return done;
    }

    void reset() {
        lines = 0;
        lineLength = 0;
        afterCr = false;
        done = false;
    }

    /** Scans bytes [from, to) of {@code buf}; returns what is wrong, or null. */
    String scan(ByteBuf buf, int from, int to) {
        for (int i = from; i < to && !done; i++) {
            byte b = buf.getByte(i);
            if (afterCr) {
                if (b != '\n') {
                    return "bare CR in request head";
                }
                afterCr = false;
                endLine();
            } else if (b == '\r') {
                afterCr = true;
            } else if (b == '\n') {
                return "bare LF in request head";
            } else if (isControl(b)) {
                return "control byte 0x" + Integer.toHexString(b & 0xff) + " in request head";
            } else if (lineLength == 0 && lines > 0 && (b == ' ' || b == '\t')) {
                return "obs-fold (header continuation line) in request head";
            } else {
                lineLength++;
            }
        }
        return null;
    }

    /** CTL but HTAB. Bytes are signed: obs-text (0x80-0xff), allowed in field values, is negative here. */
    private static boolean isControl(byte b) {
        return (b >= 0 && b < 0x20 && b != '\t') || b == 0x7f;
    }

    private void endLine() {
        if (lineLength == 0) {
            // A blank line before the request line is tolerated (RFC 9112 §2.2); after it, it ends the head.
            done = lines > 0;
            return;
        }
        lines++;
        lineLength = 0;
    }
}
