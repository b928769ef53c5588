package io.weir.health;

import io.netty.channel.ConnectTimeoutException;

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
