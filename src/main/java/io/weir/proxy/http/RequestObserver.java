package io.weir.proxy.http;

/** Receives every request outcome, on the event loop: must be cheap and never block. */
@FunctionalInterface
public interface RequestObserver {

    RequestObserver NONE = outcome -> { };

    void requestEnded(RequestOutcome outcome);
}
