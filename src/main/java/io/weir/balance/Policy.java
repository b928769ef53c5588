package io.weir.balance;

/** The balancing algorithms; the names match the {@code balance:} values in the YAML, lower-cased. */
public enum Policy {
    ROUND_ROBIN, LEAST_CONNECTIONS, POWER_OF_TWO, LEAST_RESPONSE_TIME, RANDOM, RING_HASH, MAGLEV;

    /** Whether the policy routes by the request's hash (and falls back to round robin without one). */
    public boolean isHashBased() {
        return this == RING_HASH || this == MAGLEV;
    }
}
