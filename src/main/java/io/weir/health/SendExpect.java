package io.weir.health;

import io.weir.config.HealthCheckConfig;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a {@code send}/{@code expect} check sends and how it judges the reply: passing when the reply starts with
 * the expected bytes. Shared by the tcp and udp probes. Each character of the configured strings is one byte
 * (ISO-8859-1), so a binary query is written with YAML's {@code \xNN} escapes and means exactly those bytes.
 */
final class SendExpect {

    private final byte[] send;
    private final byte[] expect;

    SendExpect(HealthCheckConfig config) {
        this.send = bytes(config.send());
        this.expect = bytes(config.expect());
    }

    private static byte[] bytes(Optional<String> text) {
        return text.map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).orElse(new byte[0]);
    }

    byte[] send() {
        return send;
    }

    /** How many bytes of the reply the verdict needs. */
    int expectLength() {
        return expect.length;
    }

    /** The verdict on a reply whose first bytes are {@code start} (as many as {@link #expectLength}, or fewer). */
    ProbeResult judge(byte[] start) {
        String reply = printable(new String(start, StandardCharsets.ISO_8859_1));
        if (Arrays.equals(start, expect)) {
            return ProbeResult.pass("replied " + reply);
        }
        return ProbeResult.fail("replied " + reply + ", expected " + printable(new String(expect,
                StandardCharsets.ISO_8859_1)));
    }

    private static String printable(String s) {
        return "'" + s.replace("\r", "\\r").replace("\n", "\\n") + "'";
    }
}
