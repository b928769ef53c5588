package io.weir.health;

import io.netty.channel.ConnectTimeoutException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/** Failure causes in the words an operator greps the log for. */
final class Reasons {

    private Reasons() {
    }

    static String of(Throwable cause, Duration timeout) {
        SSLException tls = find(cause, SSLException.class);
        if (tls != null) {
            // The engine's own words ("General OpenSslEngine problem") say nothing; the innermost cause says why.
            Throwable root = tls;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return "TLS handshake failed: " + (root.getMessage() == null ? root.getClass().getSimpleName()
                    : root.getMessage());
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
        if (cause instanceof ConnectTimeoutException) {
            return timeout(timeout);
        }
        if (message.contains("refused")) {
            return "connection refused";
        }
        if (message.contains("reset")) {
            return "connection reset";
        }
        if (cause instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        if (cause instanceof ConnectException) {
            return "connect failed: " + cause.getMessage();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static String timeout(Duration timeout) {
        return "timeout after " + human(timeout);
    }

    /** {@code 1s}, {@code 1.5s}, {@code 250ms}. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.3fs", ms / 1000.0)
                .replaceAll("0+s$", "s");
    }
}
