package io.weir.proxy.http.sticky;

import io.weir.cluster.Cluster;

/** The session affinity of one cluster, by a cookie: Weir's own ({@link StickySession}) or the application's. */
public interface ClusterAffinity {

    Cluster cluster();

    /** The cookie whose value pins a request. */
    String cookieName();

    /** The pin of a request carrying {@code cookieValue} (null when it carries none). */
    StickyPin pin(String cookieValue);

    /** Sessions moved to another endpoint because theirs was unhealthy, ejected, drained or gone. */
    long repinned();
}
