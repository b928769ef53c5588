package io.weir.health;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The two messages of {@code grpc.health.v1.Health/Check}, in protobuf wire format and gRPC's length-prefixed
 * framing, written by hand: {@code HealthCheckRequest { string service = 1; }} and
 * {@code HealthCheckResponse { ServingStatus status = 1; }}. Too small to be worth a protobuf dependency.
 */
final class GrpcHealthMessages {

    static final String PATH = "/grpc.health.v1.Health/Check";

    /** HealthCheckResponse.ServingStatus, by number. */
    static final String[] STATUS_NAMES = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
    static final int SERVING = 1;

    /** The most of a response Weir reads; a health answer is a few bytes. */
    static final int MAX_RESPONSE = 4096;

    private GrpcHealthMessages() {
    }

    /** One gRPC message (uncompressed flag, 4-byte length, body) holding a HealthCheckRequest. */
    static ByteBuf request(ByteBufAllocator alloc, String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        // Field 1, wire type 2 (length-delimited); proto3 leaves an empty string out altogether.
        int body = name.length == 0 ? 0 : 1 + varintSize(name.length) + name.length;
        ByteBuf out = alloc.buffer(5 + body);
        out.writeByte(0).writeInt(body);
        if (name.length > 0) {
            out.writeByte(0x0A);
            writeVarint(out, name.length);
            out.writeBytes(name);
        }
        return out;
    }

    /**
     * The serving status in a response body of whole gRPC messages (the first message counts); -1 when the body
     * holds no complete message; throws on a malformed or compressed one.
     */
    static int status(ByteBuf body) {
        if (body.readableBytes() < 5) {
            return -1;
        }
        int start = body.readerIndex();
        if (body.getByte(start) != 0) {
            throw new IllegalArgumentException("compressed response, which was not asked for");
        }
        long length = body.getUnsignedInt(start + 1);
        if (length > MAX_RESPONSE) {
            throw new IllegalArgumentException("response message of " + length + " bytes is too long");
        }
        if (body.readableBytes() < 5 + length) {
            return -1;
        }
        ByteBuf message = body.slice(start + 5, (int) length);
        // proto3 leaves a zero (UNKNOWN) status out: an empty message means UNKNOWN.
        int status = 0;
        while (message.isReadable()) {
            long key = readVarint(message);
            int field = (int) (key >>> 3);
            int wireType = (int) (key & 7);
            if (field == 1 && wireType == 0) {
                status = (int) readVarint(message);
            } else {
                skip(message, wireType);
            }
        }
        return status;
    }

    static String statusName(int status) {
        return status >= 0 && status < STATUS_NAMES.length ? STATUS_NAMES[status] : "status " + status;
    }

    private static void skip(ByteBuf in, int wireType) {
        switch (wireType) {
            case 0 -> readVarint(in);
            case 1 -> in.skipBytes(8);
            case 2 -> in.skipBytes((int) readVarint(in));
            case 5 -> in.skipBytes(4);
            default -> throw new IllegalArgumentException("malformed response: wire type " + wireType);
        }
    }

    private static long readVarint(ByteBuf in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!in.isReadable()) {
                throw new IllegalArgumentException("malformed response: truncated varint");
            }
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed response: varint too long");
    }

    private static void writeVarint(ByteBuf out, int value) {
        while ((value & ~0x7F) != 0) {
            out.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    private static int varintSize(int value) {
        int size = 1;
        while ((value & ~0x7F) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }
}
