package io.weir.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code access_log: { path: stdout, format: json, queue_size: 8192 }}: one line per request.
 *
 * @param path      {@code stdout} or a file (appended to; reopened on SIGUSR1 for logrotate)
 * @param format    {@code json}, or a template of {@code $variables} (see docs/observability.md)
 * @param queueSize lines waiting for the writer; beyond it lines are dropped and counted, never buffered
 */
public record AccessLogConfig(String path, String format, int queueSize) {

    /** The variables a template may use; JSON lines carry all of them, in this order. */
    public static final List<String> VARIABLES = List.of("time", "downstream_ip", "method", "host", "uri",
            "status", "bytes_in", "bytes_out", "duration_ms", "upstream_connect_ms", "upstream_response_ms",
            "listener", "route", "cluster", "endpoint", "attempts", "termination", "protocol");
    /** {@code l4_access_log}: the variables of a tcp connection's or udp flow's line, in JSON order. */
    public static final List<String> L4_VARIABLES = List.of("time", "protocol", "downstream_ip", "downstream_port",
            "listener", "cluster", "endpoint", "bytes_in", "bytes_out", "duration_ms", "upstream_connect_ms",
            "termination");
    private static final Pattern VARIABLE = Pattern.compile("\\$([a-z_]+)");

    /** Returns the format if it is {@code json} or a template of known variables; else says which is unknown. */
    static String checkFormat(String format) {
        return check(format, VARIABLES);
    }

    /** As {@link #checkFormat}, for {@code l4_access_log}. */
    static String checkL4Format(String format) {
        return check(format, L4_VARIABLES);
    }

    private static String check(String format, List<String> known) {
        Matcher m = VARIABLE.matcher(format);
        while (m.find()) {
            if (!known.contains(m.group(1))) {
                throw new IllegalArgumentException("unknown variable $" + m.group(1) + "; known: "
                        + String.join(", ", known));
            }
        }
        return format;
    }

    public static final String STDOUT = "stdout";
    public static final String JSON = "json";
    public static final int DEFAULT_QUEUE_SIZE = 8192;
}
