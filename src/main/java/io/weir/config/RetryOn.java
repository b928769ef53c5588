package io.weir.config;

import java.util.Objects;
import java.util.Set;

/**
 * What makes a try worth repeating ({@code retry_on}): the connection could not be made, it was reset (or
 * closed, or timed out) before a response, or the upstream answered one of {@code statuses}.
 *
 * <p>A value class rather than a record so that it can keep a table by status code: {@link #status} is asked
 * on every response, and a set of boxed integers cost a measurable share of a request's CPU there.
 */
public final class RetryOn {

    /** The gateway failures: nothing the upstream application decided, so another endpoint may do better. */
    public static final RetryOn DEFAULT = new RetryOn(true, true, Set.of(502, 503, 504));

    private final boolean connectFailure;
    private final boolean reset;
    private final Set<Integer> statuses;
    /** Indexed by status code; a code past its end is never retried. */
    private final boolean[] retried;

    /**
     * @param statuses response statuses that are retried, e.g. 502, 503, 504; {@code 5xx} expands to 500–599.
     *                 504 also covers a try that ran past {@code per_try_timeout}.
     */
    public RetryOn(boolean connectFailure, boolean reset, Set<Integer> statuses) {
        this.connectFailure = connectFailure;
        this.reset = reset;
        this.statuses = Set.copyOf(statuses);
        int highest = this.statuses.stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.retried = new boolean[Math.max(0, highest + 1)];
        for (int code : this.statuses) {
            if (code >= 0) {
                retried[code] = true;
            }
        }
    }

    public boolean connectFailure() {
        return connectFailure;
    }

    public boolean reset() {
        return reset;
    }

    public Set<Integer> statuses() {
        return statuses;
    }

    public boolean status(int code) {
        return code >= 0 && code < retried.length && retried[code];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryOn other && connectFailure == other.connectFailure && reset == other.reset
                && statuses.equals(other.statuses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectFailure, reset, statuses);
    }

    @Override
    public String toString() {
        return "RetryOn[connectFailure=" + connectFailure + ", reset=" + reset + ", statuses=" + statuses + "]";
    }
}
