package io.weir.simulate;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Weir writes them: {@code 250ms}, {@code 5s}, {@code 1m}, {@code 1.5s}. */
final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|ms|s|m|h)");

    private Durations() {
    }

    static Duration parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (like 250ms, 5s, 1m): " + text);
        }
        double value = Double.parseDouble(m.group(1));
        double unitNanos = switch (m.group(2)) {
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        return Duration.ofNanos(Math.round(value * unitNanos));
    }

    /** Milliseconds with up to one decimal, for reports. */
    static String ms(double nanos) {
        double ms = nanos / 1e6;
        return ms >= 100 ? String.format("%.0f", ms) : String.format("%.1f", ms);
    }
}
