package io.weir.accesslog;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.weir.config.AccessLogConfig;
import io.weir.proxy.http.RequestOutcome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an outcome into one line: JSON, or a template whose {@code $name} variables are replaced
 * (nginx style). The template is compiled once; formatting runs on the writer thread.
 */
final class AccessLogFormat {

    private static final List<String> VARIABLES = AccessLogConfig.VARIABLES;

    private static final Pattern VARIABLE = Pattern.compile("\\$([a-z_]+)");

    private final boolean json;
    private final List<Object> parts;

    private AccessLogFormat(boolean json, List<Object> parts) {
        this.json = json;
        this.parts = parts;
    }

    /** {@code json} or a template; an unknown {@code $variable} is an error naming the known ones. */
    static AccessLogFormat of(String format) {
        if (format.equals("json")) {
            return new AccessLogFormat(true, List.of());
        }
        List<Object> parts = new ArrayList<>();
        Matcher m = VARIABLE.matcher(format);
        int last = 0;
        while (m.find()) {
            if (!VARIABLES.contains(m.group(1))) {
                throw new IllegalArgumentException("unknown access log variable $" + m.group(1)
                        + "; known: " + String.join(", ", VARIABLES));
            }
            parts.add(format.substring(last, m.start()));
            parts.add(getter(m.group(1)));
            last = m.end();
        }
        parts.add(format.substring(last));
        return new AccessLogFormat(false, parts);
    }

    @SuppressWarnings("unchecked")
    String format(RequestOutcome o) {
        StringBuilder sb = new StringBuilder(256);
        if (json) {
            sb.append('{');
            for (int i = 0; i < VARIABLES.size(); i++) {
                Object v = getter(VARIABLES.get(i)).apply(o);
                if (i > 0) {
                    sb.append(',');
                }
                sb.append('"').append(VARIABLES.get(i)).append("\":");
                if (v == null) {
                    sb.append("null");
                } else if (v instanceof Number) {
                    sb.append(v);
                } else {
                    sb.append('"').append(JsonStringEncoder.getInstance().quoteAsString(v.toString())).append('"');
                }
            }
            return sb.append('}').toString();
        }
        for (Object part : parts) {
            if (part instanceof String s) {
                sb.append(s);
            } else {
                Object v = ((Function<RequestOutcome, Object>) part).apply(o);
                sb.append(v == null ? "-" : v);
            }
        }
        return sb.toString();
    }

    private static Function<RequestOutcome, Object> getter(String name) {
        return switch (name) {
            case "time" -> o -> Instant.ofEpochMilli(o.startEpochMillis()).toString();
            case "downstream_ip" -> RequestOutcome::downstreamIp;
            case "method" -> RequestOutcome::method;
            case "host" -> RequestOutcome::host;
            case "uri" -> RequestOutcome::uri;
            case "status" -> RequestOutcome::status;
            case "bytes_in" -> RequestOutcome::bytesIn;
            case "bytes_out" -> RequestOutcome::bytesOut;
            case "duration_ms" -> o -> millis(o.totalNanos());
            case "upstream_connect_ms" -> o -> o.upstreamConnectNanos() < 0 ? null : millis(o.upstreamConnectNanos());
            case "upstream_response_ms" -> o -> o.upstreamResponseNanos() < 0 ? null : millis(o.upstreamResponseNanos());
            case "listener" -> RequestOutcome::listener;
            case "route" -> RequestOutcome::route;
            case "cluster" -> RequestOutcome::cluster;
            case "endpoint" -> RequestOutcome::endpoint;
            case "attempts" -> RequestOutcome::attempts;
            case "termination" -> RequestOutcome::termination;
            case "protocol" -> RequestOutcome::protocol;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Double millis(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }
}
