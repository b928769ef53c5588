package io.weir.cluster;

/**
 * An endpoint's combined state as it last changed, why, and when.
 *
 * @param state    the state entered
 * @param reason   what caused it: a health check's detail, an ejection's cause, the operator's drain
 * @param atMillis when, in epoch milliseconds
 */
public record StateChange(EndpointState state, String reason, long atMillis) { }
