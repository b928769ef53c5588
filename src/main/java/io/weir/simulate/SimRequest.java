package io.weir.simulate;

/** One request's life: sent at {@code start} to a server, then answered, timed out or failed. */
final class SimRequest {

    enum State { PENDING, ANSWERED, TIMED_OUT, FAILED }

    final long start;
    final long costNanos;
    final SimServer server;
    /** The server's life it was sent in; a completion from before a death is stale. */
    final int generation;
    State state = State.PENDING;

    SimRequest(long start, long costNanos, SimServer server) {
        this.start = start;
        this.costNanos = costNanos;
        this.server = server;
        this.generation = server.generation;
    }
}
