package io.weir.runtime;

import io.weir.accesslog.AccessLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** SIGUSR1 reopens the access log, as logrotate's postrotate expects of nginx and HAProxy. */
final class AccessLogSignals {

    private static final Logger log = LoggerFactory.getLogger(AccessLogSignals.class);

    private AccessLogSignals() {
    }

    /** One handler for every access log given (null ones are skipped); none given, none installed. */
    static void reopenOnUsr1(AccessLog... logs) {
        java.util.List<AccessLog> open = java.util.Arrays.stream(logs).filter(java.util.Objects::nonNull).toList();
        if (open.isEmpty()) {
            return;
        }
        try {
            Signal.handle(new Signal("USR1"), s -> open.forEach(AccessLog::reopen));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGUSR1 cannot be handled on this platform ({}); the access log will not reopen on it",
                    e.getMessage());
        }
    }
}
