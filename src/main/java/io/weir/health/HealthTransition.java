package io.weir.health;

/**
 * A change of an endpoint's active-check state, why, and when: kept for the log and the admin API.
 *
 * @param healthy  the state entered
 * @param reason   what the checks saw: "status 503 (3 failures in a row)", "first check passed: connected"
 * @param atMillis when, in epoch milliseconds
 */
public record HealthTransition(boolean healthy, String reason, long atMillis) { }
