package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the server name (SNI) from the start of a TLS connection without decrypting anything: the
 * ClientHello handshake message, reassembled from as many TLS records as it spans (RFC 8446 §5.1, RFC 6066 §3).
 * Looks at the bytes without consuming them, so they can be replayed to the upstream as they came.
 */
final class ClientHelloParser {

    /** Largest ClientHello accepted; real ones are well under 2 KiB, post-quantum key shares included. */
    static final int MAX_HELLO = 16 * 1024;
    private static final int RECORD_HEADER = 5;
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_NAME = 0;
    private static final int HOST_NAME = 0;

    /** The outcome of one look at the bytes read so far. */
    record Result(Status status, String serverName, String problem) {
        static final Result NEED_MORE = new Result(Status.NEED_MORE, null, null);

        static Result found(String name) {
            return new Result(Status.FOUND, name, null);
        }

        static Result bad(String problem) {
            return new Result(Status.BAD, null, problem);
        }
    }

    enum Status { NEED_MORE, FOUND, BAD }

    private ClientHelloParser() {
    }

    /** {@code FOUND} with the lower-cased server name, or with null when the hello has no SNI. */
    static Result parse(ByteBuf in) {
        int pos = in.readerIndex();
        int end = in.writerIndex();
        byte[] hello = new byte[0];
        int helloLength = -1;
        while (true) {
            // The type and version are checked as soon as they arrive: a plain-text client is told at once.
            if (end - pos < 1) {
                return Result.NEED_MORE;
            }
            int type = in.getUnsignedByte(pos);
            if (type != HANDSHAKE) {
                return Result.bad(hello.length == 0 ? "not TLS (first byte " + type + ")"
                        : "ClientHello interleaved with a record of type " + type);
            }
            if (end - pos >= 2 && in.getUnsignedByte(pos + 1) != 3) {
                return Result.bad("not TLS (record version major " + in.getUnsignedByte(pos + 1) + ")");
            }
            if (end - pos < RECORD_HEADER) {
                return Result.NEED_MORE;
            }
            int length = in.getUnsignedShort(pos + 3);
            if (length == 0 || length > MAX_HELLO) {
                return Result.bad("TLS record of " + length + " bytes");
            }
            if (end - pos - RECORD_HEADER < length) {
                return Result.NEED_MORE;
            }
            if (hello.length + length > MAX_HELLO + 4) {
                return Result.bad("ClientHello larger than " + MAX_HELLO + " bytes");
            }
            byte[] grown = new byte[hello.length + length];
            System.arraycopy(hello, 0, grown, 0, hello.length);
            in.getBytes(pos + RECORD_HEADER, grown, hello.length, length);
            hello = grown;
            pos += RECORD_HEADER + length;
            if (helloLength < 0 && hello.length >= 4) {
                if (hello[0] != CLIENT_HELLO) {
                    return Result.bad("first handshake message is type " + (hello[0] & 0xff) + ", not ClientHello");
                }
                helloLength = ((hello[1] & 0xff) << 16) | ((hello[2] & 0xff) << 8) | (hello[3] & 0xff);
                if (helloLength > MAX_HELLO) {
                    return Result.bad("ClientHello of " + helloLength + " bytes");
                }
            }
            if (helloLength >= 0 && hello.length >= 4 + helloLength) {
                return serverName(hello, 4, 4 + helloLength);
            }
        }
    }

    private static Result serverName(byte[] b, int from, int to) {
        try {
            Cursor c = new Cursor(b, from, to);
            c.skip(2 + 32);              // client_version, random
            c.skip(c.u8());              // legacy_session_id
            c.skip(c.u16());             // cipher_suites
            c.skip(c.u8());              // legacy_compression_methods
            if (c.remaining() == 0) {
                return Result.found(null); // no extensions at all (very old clients)
            }
            int extensionsLength = c.u16();
            int extensionsEnd = c.pos + extensionsLength;
            c.limit(extensionsEnd);
            while (c.pos < extensionsEnd) {
                int type = c.u16();
                int length = c.u16();
                if (type != SERVER_NAME) {
                    c.skip(length);
                    continue;
                }
                int listLength = c.u16();
                int listEnd = c.pos + listLength;
                c.limit(listEnd);
                while (c.pos < listEnd) {
                    int nameType = c.u8();
                    int nameLength = c.u16();
                    c.require(nameLength);
                    if (nameType == HOST_NAME) {
                        String name = new String(b, c.pos, nameLength, StandardCharsets.US_ASCII);
                        return Result.found(normalise(name));
                    }
                    c.skip(nameLength);
                }
                return Result.found(null);
            }
            return Result.found(null);
        } catch (IndexOutOfBoundsException e) {
            return Result.bad("malformed ClientHello: " + e.getMessage());
        }
    }

    private static String normalise(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** Bounds-checked reads over the hello; running past its end means the hello lied about a length. */
    private static final class Cursor {
        private final byte[] b;
        private int pos;
        private int limit;

        Cursor(byte[] b, int pos, int limit) {
            this.b = b;
            this.pos = pos;
            this.limit = limit;
        }

        void limit(int newLimit) {
            if (newLimit > limit) {
                throw new IndexOutOfBoundsException("a length runs past its enclosing block");
            }
            limit = newLimit;
        }

        int remaining() {
            return limit - pos;
        }

        void require(int n) {
            if (n < 0 || pos + n > limit) {
                throw new IndexOutOfBoundsException("a length runs past the end of the hello");
            }
        }

        void skip(int n) {
            require(n);
            pos += n;
        }

        int u8() {
            require(1);
            return b[pos++] & 0xff;
        }

        int u16() {
            require(2);
            int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
            pos += 2;
            return v;
        }
    }
}
