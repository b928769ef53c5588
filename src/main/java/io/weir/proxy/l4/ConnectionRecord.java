package io.weir.proxy.l4;

import io.netty.channel.Channel;

/**
 * What one downstream tcp connection did, gathered on its event loop from accept to close for the L4 access
 * log: the cluster and endpoint, when the upstream connected, the bytes each way (copy mode; spliced bytes never
 * reach Weir), and the first reason it ended. Reported once, when the downstream and its upstream are both closed.
 */
final class ConnectionRecord {

    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private final Channel downstream;
    /** Taken at accept: a closed channel may no longer tell its peer. */
    private final java.net.InetSocketAddress peer;
    private final String listener;
    private final ConnectionObserver observer;
    private String cluster;
    private String endpoint;
    private long connectNanos = -1;
    private long bytesIn;
    private long bytesOut;
    private boolean spliced;
    private String termination;
    private int open = 1;

    private ConnectionRecord(Channel downstream, String listener, ConnectionObserver observer) {
        this.downstream = downstream;
        this.peer = (java.net.InetSocketAddress) downstream.remoteAddress();
        this.listener = listener;
        this.observer = observer;
    }

    /** Starts the record of a freshly accepted connection; null when nothing observes connections. */
    static ConnectionRecord start(Channel downstream, String listener, ConnectionObserver observer) {
        if (observer == ConnectionObserver.NONE) {
            return null;
        }
        ConnectionRecord r = new ConnectionRecord(downstream, listener, observer);
        downstream.attr(L4Attributes.RECORD).set(r);
        downstream.closeFuture().addListener(f -> r.sideClosed());
        return r;
    }

    void cluster(String name) {
        cluster = name;
    }

    void connected(String endpointId, Channel upstream) {
        endpoint = endpointId;
        connectNanos = System.nanoTime() - startNanos;
        open++;
        upstream.closeFuture().addListener(f -> sideClosed());
    }

    void spliced() {
        spliced = true;
    }

    void fromDownstream(long bytes) {
        bytesIn += bytes;
    }

    void fromUpstream(long bytes) {
        bytesOut += bytes;
    }

    /** The first reason given is the one logged: later ones are consequences (closing the other side). */
    void terminated(String why) {
        if (termination == null) {
            termination = why;
        }
    }

    private void sideClosed() {
        if (--open > 0) {
            return;
        }
        String why = termination != null ? termination
                : endpoint == null ? "closed before an upstream was connected" : "closed";
        ConnectionAddresses told = downstream.attr(L4Attributes.ADDRESSES).get();
        observer.connectionEnded(new ConnectionOutcome(startMillis, "tcp", told != null ? told.source() : peer,
                listener, cluster, endpoint, spliced ? -1 : bytesIn, spliced ? -1 : bytesOut,
                System.nanoTime() - startNanos, connectNanos, why));
    }
}
