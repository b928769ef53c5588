package io.weir.config;

/** The balancing algorithms a cluster can use; names as written in YAML, lower case. */
public enum BalancePolicy {
    ROUND_ROBIN, LEAST_CONNECTIONS, POWER_OF_TWO, LEAST_RESPONSE_TIME, RANDOM, RING_HASH, MAGLEV
}
