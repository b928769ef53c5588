package io.weir.proxy.l4;

/** Told of every tcp connection and udp flow as it ends, on its event loop: must not block (the L4 access log). */
@FunctionalInterface
public interface ConnectionObserver {

    ConnectionObserver NONE = outcome -> { };

    void connectionEnded(ConnectionOutcome outcome);
}
