package io.weir.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as written in the config: {@code 250ms}, {@code 5s}, {@code 1m}, {@code 1h}, {@code 1d},
 * decimals ({@code 1.5s}) and sums ({@code 1m30s}). A bare {@code 0} is zero; any other number needs a unit.
 */
public final class DurationParser {

    static final String EXPECTED = "expected a duration like 250ms, 5s, 1m";

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private DurationParser() {
    }

    /** @throws IllegalArgumentException with a message fit for an operator */
    public static Duration parse(String text) {
        String s = text.strip();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.startsWith("-")) {
            throw new IllegalArgumentException("a duration cannot be negative, got '" + text + "'");
        }
        if (s.matches("\\d+(\\.\\d+)?")) {
            throw new IllegalArgumentException(EXPECTED + "; got '" + text + "' (add a unit: ms, s, m, h, d)");
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException(EXPECTED + "; got '" + text + "'");
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unitNanos(m.group(2))));
            at = m.end();
        }
        if (at == 0) {
            throw new IllegalArgumentException(EXPECTED + "; got '" + text + "'");
        }
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new IllegalArgumentException("duration '" + text + "' is too long");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    private static BigDecimal unitNanos(String unit) {
        switch (unit) {
            case "ms": return BigDecimal.valueOf(1_000_000L);
            case "s": return BigDecimal.valueOf(1_000_000_000L);
            case "m": return BigDecimal.valueOf(60_000_000_000L);
            case "h": return BigDecimal.valueOf(3_600_000_000_000L);
            case "d": return BigDecimal.valueOf(86_400_000_000_000L);
            default: throw new IllegalStateException(unit);
        }
    }
}
