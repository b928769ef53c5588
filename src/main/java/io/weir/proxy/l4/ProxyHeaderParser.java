package io.weir.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.util.NetUtil;
import io.weir.proxy.ProxyHeaderWriter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a PROXY protocol v1 or v2 header from the start of a downstream connection, without consuming it.
 * {@code LOCAL} (v2) and {@code UNKNOWN} (v1) headers, and v2 headers for non-TCP families, are valid but
 * carry no addresses: the socket's own are kept. v2 TLVs are skipped.
 */
final class ProxyHeaderParser {

    /** v1's longest line, CRLF included (spec §2.1). */
    static final int V1_MAX = 107;
    /** The most v2 address and TLV bytes accepted. */
    static final int V2_MAX_LENGTH = 4096;
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);

    enum Status { NEED_MORE, FOUND, BAD }

    /**
     * @param length    bytes of the header, to skip, when FOUND
     * @param addresses what the header says, or null when it says nothing usable (LOCAL, UNKNOWN)
     */
    record Result(Status status, int length, ConnectionAddresses addresses, String problem) {
        static final Result NEED_MORE = new Result(Status.NEED_MORE, 0, null, null);

        static Result bad(String problem) {
            return new Result(Status.BAD, 0, null, problem);
        }

        static Result found(int length, ConnectionAddresses addresses) {
            return new Result(Status.FOUND, length, addresses, null);
        }
    }

    private ProxyHeaderParser() {
    }

    static Result parse(ByteBuf in) {
        if (startsWith(in, ProxyHeaderWriter.V2_SIGNATURE)) {
            return in.readableBytes() < ProxyHeaderWriter.V2_SIGNATURE.length ? Result.NEED_MORE : v2(in);
        }
        if (startsWith(in, V1_PREFIX)) {
            return in.readableBytes() < V1_PREFIX.length ? Result.NEED_MORE : v1(in);
        }
        return Result.bad("no PROXY header");
    }

    /** Whether what is there so far agrees with {@code prefix} (true for a prefix of the prefix). */
    private static boolean startsWith(ByteBuf in, byte[] prefix) {
        int n = Math.min(prefix.length, in.readableBytes());
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != prefix[i]) {
                return false;
            }
        }
        return n > 0;
    }

    private static Result v1(ByteBuf in) {
        int start = in.readerIndex();
        int limit = Math.min(in.writerIndex(), start + V1_MAX);
        int cr = -1;
        for (int i = start; i < limit - 1; i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n') {
                cr = i;
                break;
            }
        }
        if (cr < 0) {
            return in.readableBytes() >= V1_MAX ? Result.bad("v1 header longer than " + V1_MAX + " bytes")
                    : Result.NEED_MORE;
        }
        String line = in.toString(start, cr - start, StandardCharsets.US_ASCII);
        int length = cr + 2 - start;
        String[] parts = line.split(" ", -1);
        if (parts.length >= 2 && parts[1].equals("UNKNOWN")) {
            return Result.found(length, null);
        }
        if (parts.length != 6 || !(parts[1].equals("TCP4") || parts[1].equals("TCP6"))) {
            return Result.bad("malformed v1 header '" + line + "'");
        }
        boolean ipv4 = parts[1].equals("TCP4");
        byte[] src = ip(parts[2], ipv4);
        byte[] dst = ip(parts[3], ipv4);
        int srcPort = port(parts[4]);
        int dstPort = port(parts[5]);
        if (src == null || dst == null || srcPort < 0 || dstPort < 0) {
            return Result.bad("malformed v1 header '" + line + "'");
        }
        return Result.found(length, new ConnectionAddresses(address(src, srcPort), address(dst, dstPort)));
    }

    private static Result v2(ByteBuf in) {
        if (in.readableBytes() < 16) {
            return Result.NEED_MORE;
        }
        int start = in.readerIndex();
        int verCmd = in.getUnsignedByte(start + 12);
        int family = in.getUnsignedByte(start + 13);
        int length = in.getUnsignedShort(start + 14);
        if ((verCmd >> 4) != 2 || (verCmd & 0x0f) > 1) {
            return Result.bad("v2 header with version/command byte " + verCmd);
        }
        if (length > V2_MAX_LENGTH) {
            return Result.bad("v2 header of " + length + " bytes");
        }
        if (in.readableBytes() < 16 + length) {
            return Result.NEED_MORE;
        }
        boolean local = (verCmd & 0x0f) == 0;
        int transport = family & 0x0f;
        int addressFamily = family >> 4;
        if (local || transport != 1 || (addressFamily != 1 && addressFamily != 2)) {
            // LOCAL (a health check from the proxy itself), UDP, unix sockets, unspecified: keep the socket's.
            return Result.found(16 + length, null);
        }
        int ipLength = addressFamily == 1 ? 4 : 16;
        if (length < 2 * ipLength + 4) {
            return Result.bad("v2 address block of " + length + " bytes is too short");
        }
        byte[] src = new byte[ipLength];
        byte[] dst = new byte[ipLength];
        in.getBytes(start + 16, src);
        in.getBytes(start + 16 + ipLength, dst);
        int srcPort = in.getUnsignedShort(start + 16 + 2 * ipLength);
        int dstPort = in.getUnsignedShort(start + 18 + 2 * ipLength);
        return Result.found(16 + length, new ConnectionAddresses(address(src, srcPort), address(dst, dstPort)));
    }

    private static byte[] ip(String text, boolean ipv4) {
        if (ipv4 ? !NetUtil.isValidIpV4Address(text) : !NetUtil.isValidIpV6Address(text)) {
            return null;
        }
        return NetUtil.createByteArrayFromIpAddressString(text);
    }

    private static int port(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)
                || (text.length() > 1 && text.charAt(0) == '0')) {
            return -1;
        }
        int p = Integer.parseInt(text);
        return p <= 65535 ? p : -1;
    }

    private static InetSocketAddress address(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
