package io.weir.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.weir.config.HttpSyntax;

/**
 * Byte rules for a request head that Netty's decoder is lenient about (RFC 9112 §2.2, §5.2): every line
 * ends in CRLF, no control bytes but HTAB, no obs-fold continuation lines. Fed incrementally; stops at
 * the blank line that ends the head.
 */
final class HeadScanner implements ByteProcessor {

    private int lines;
    private int lineLength;
    private boolean afterCr;
    private boolean done;
    private String problem;

    boolean done() {
        return done;
    }

    void reset() {
        lines = 0;
        lineLength = 0;
        afterCr = false;
        done = false;
        problem = null;
    }

    /** Scans bytes [from, to) of {@code buf}; returns what is wrong, or null. */
    String scan(ByteBuf buf, int from, int to) {
        if (to > from && !done) {
            // forEachByte walks the buffer's memory without a bounds check per byte.
            buf.forEachByte(from, to - from, this);
        }
        return problem;
    }

    /** One byte of the head; false stops the walk (a problem, or the end of the head). */
    @Override
    public boolean process(byte b) {
        if (afterCr) {
            if (b != '\n') {
                problem = "bare CR in request head";
                return false;
            }
            afterCr = false;
            endLine();
            return !done;
        }
        if (b == '\r') {
            afterCr = true;
        } else if (b == '\n') {
            problem = "bare LF in request head";
        } else if (HttpSyntax.isForbiddenControl(b)) {
            problem = "control byte 0x" + Integer.toHexString(b & 0xff) + " in request head";
        } else if (lineLength == 0 && lines > 0 && HttpSyntax.isWhitespace(b)) {
            problem = "obs-fold (header continuation line) in request head";
        } else {
            lineLength++;
        }
        return problem == null;
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
