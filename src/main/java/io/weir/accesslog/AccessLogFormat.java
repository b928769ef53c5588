package io.weir.accesslog;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.weir.config.AccessLogConfig;
import io.weir.proxy.http.RequestOutcome;
import io.weir.proxy.l4.ConnectionOutcome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an outcome into one line: JSON, or a template whose {@code $name} variables are replaced
 * (nginx style). The template is compiled once; formatting runs on the writer thread. One kind for requests
 * ({@link #of}), one for tcp connections and udp flows ({@link #connections}).
 */
final class AccessLogFormat<T> {

    private static final Pattern VARIABLE = Pattern.compile("\\$([a-z_]+)");

    private final List<String> variables;
    private final Function<String, Function<T, Object>> getters;
    private final boolean json;
    private final List<Object> parts;

    private AccessLogFormat(List<String> variables, Function<String, Function<T, Object>> getters, boolean json,
                            List<Object> parts) {
        this.variables = variables;
        this.getters = getters;
        this.json = json;
        this.parts = parts;
    }

    /** {@code json} or a template of request variables; an unknown {@code $variable} is an error naming the known ones. */
    static AccessLogFormat<RequestOutcome> of(String format) {
        return compile(format, AccessLogConfig.VARIABLES, AccessLogFormat::getter);
    }

    /** As {@link #of}, with the variables of a tcp connection or udp flow. */
    static AccessLogFormat<ConnectionOutcome> connections(String format) {
        return compile(format, AccessLogConfig.L4_VARIABLES, AccessLogFormat::connectionGetter);
    }

    private static <T> AccessLogFormat<T> compile(String format, List<String> known,
                                                  Function<String, Function<T, Object>> getters) {
        if (format.equals("json")) {
            return new AccessLogFormat<>(known, getters, true, List.of());
        }
        List<Object> parts = new ArrayList<>();
        Matcher m = VARIABLE.matcher(format);
        int last = 0;
        while (m.find()) {
            if (!known.contains(m.group(1))) {
                throw new IllegalArgumentException("unknown access log variable $" + m.group(1)
                        + "; known: " + String.join(", ", known));
            }
            parts.add(format.substring(last, m.start()));
            parts.add(getters.apply(m.group(1)));
            last = m.end();
        }
        parts.add(format.substring(last));
        return new AccessLogFormat<>(known, getters, false, parts);
    }

    @SuppressWarnings("unchecked")
    String format(T o) {
        StringBuilder sb = new StringBuilder(256);
        if (json) {
            sb.append('{');
            for (int i = 0; i < variables.size(); i++) {
                Object v = getters.apply(variables.get(i)).apply(o);
                if (i > 0) {
                    sb.append(',');
                }
                sb.append('"').append(variables.get(i)).append("\":");
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
                Object v = ((Function<T, Object>) part).apply(o);
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

    private static Function<ConnectionOutcome, Object> connectionGetter(String name) {
        return switch (name) {
            case "time" -> o -> Instant.ofEpochMilli(o.startEpochMillis()).toString();
            case "protocol" -> ConnectionOutcome::protocol;
            case "downstream_ip" -> o -> o.downstream() == null ? null : o.downstream().getAddress().getHostAddress();
            case "downstream_port" -> o -> o.downstream() == null ? null : o.downstream().getPort();
            case "listener" -> ConnectionOutcome::listener;
            case "cluster" -> ConnectionOutcome::cluster;
            case "endpoint" -> ConnectionOutcome::endpoint;
            case "bytes_in" -> o -> o.bytesIn() < 0 ? null : o.bytesIn();
            case "bytes_out" -> o -> o.bytesOut() < 0 ? null : o.bytesOut();
            case "duration_ms" -> o -> millis(o.durationNanos());
            case "upstream_connect_ms" -> o -> o.upstreamConnectNanos() < 0 ? null : millis(o.upstreamConnectNanos());
            case "termination" -> ConnectionOutcome::termination;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Double millis(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }
}
