package io.weir.health;

import java.util.function.Consumer;

/**
 * One kind of active check against one endpoint. Runs on the endpoint checker's event loop with its own
 * connection; the checker enforces the timeout and ignores results that arrive after it.
 */
interface Probe {

    /** Starts a check; calls {@code done} on the event loop, possibly more than once (the first one counts). */
    void start(Consumer<ProbeResult> done);

    /** Abandons the check in progress, closing its connection (timeout or shutdown). */
    void cancel();
}
