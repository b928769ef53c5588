package io.weir.proxy.http.sticky;

import io.netty.handler.codec.http.HttpHeaders;
import io.weir.cluster.Endpoint;

import java.util.concurrent.CompletionStage;

/**
 * One request's affinity: the endpoint it should go to first and, once an endpoint served it, what the response
 * teaches (a cookie to set, a session to learn).
 */
public interface StickyPin {

    /** A request to a cluster without affinity. */
    StickyPin NONE = new StickyPin() {
        @Override
        public Endpoint preferred() {
            return null;
        }

        @Override
        public void onResponse(Endpoint served, HttpHeaders headers) {
        }
    };

    /** Where the first try goes; null to let the balancer pick. Asked once {@link #pending()} is done. */
    Endpoint preferred();

    /** Sees the response head from {@code served} (on the request's event loop) before it goes downstream. */
    void onResponse(Endpoint served, HttpHeaders headers);

    /**
     * Null when the pin is known now; else a stage that completes, never exceptionally and within the shared
     * store's deadline, once it is (a session this node has not seen, asked of the store other nodes share).
     */
    default CompletionStage<Void> pending() {
        return null;
    }
}
