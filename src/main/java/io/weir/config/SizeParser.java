package io.weir.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes as written in the config: a plain number of bytes ({@code 512}) or a number with a binary
 * unit: {@code B}, {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} (powers of 1024). Decimal units such as
 * {@code KB} or {@code k} are refused with a hint, so nobody has to guess whether they mean 1000 or 1024.
 */
public final class SizeParser {

    static final String EXPECTED = "expected a size like 512, 64KiB, 1MiB";

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");

    private SizeParser() {
    }

    /** @throws IllegalArgumentException with a message fit for an operator */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            if (text.strip().startsWith("-")) {
                throw new IllegalArgumentException("a size cannot be negative, got '" + text + "'");
            }
            throw new IllegalArgumentException(EXPECTED + "; got '" + text + "'");
        }
        long multiplier = multiplier(m.group(2), text);
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    private static long multiplier(String unit, String text) {
        switch (unit) {
            case "": case "B": return 1L;
            case "KiB": return 1L << 10;
            case "MiB": return 1L << 20;
            case "GiB": return 1L << 30;
            case "TiB": return 1L << 40;
            default:
                String hint = hintFor(unit);
                throw new IllegalArgumentException(EXPECTED + "; got '" + text + "'"
                        + (hint == null ? "" : " (write " + hint + ": sizes use powers of 1024)"));
        }
    }

    private static String hintFor(String unit) {
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "k": case "kb": case "kib": return "KiB";
            case "m": case "mb": case "mib": return "MiB";
            case "g": case "gb": case "gib": return "GiB";
            case "t": case "tb": case "tib": return "TiB";
            default: return null;
        }
    }
}
