package io.weir.config;

import java.util.Set;
import java.util.TreeSet;

/**
 * What makes a try worth repeating ({@code retry_on}): the connection could not be made, it was reset (or
 * closed, or timed out) before a response, or the upstream answered one of {@code statuses}.
 *
 * @param statuses response statuses that are retried, e.g. 502, 503, 504; {@code 5xx} expands to 500–599.
 *                 504 also covers a try that ran past {@code per_try_timeout}.
 */
public record RetryOn(boolean connectFailure, boolean reset, Set<Integer> statuses) {

    /** The gateway failures: nothing the upstream application decided, so another endpoint may do better. */
    public static final RetryOn DEFAULT = new RetryOn(true, true, Set.of(502, 503, 504));

    public RetryOn {
        statuses = Set.copyOf(new TreeSet<>(statuses));
    }

    public boolean status(int code) {
        return statuses.contains(code);
    }
}
