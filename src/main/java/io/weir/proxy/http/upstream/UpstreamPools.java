package io.weir.proxy.http.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.weir.cluster.Endpoint;
import io.weir.config.ClusterConfig;
import io.weir.config.UpstreamProtocol;
import io.weir.runtime.Transport;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The upstream pools of one event loop, one per endpoint. Reached through a thread-local of the loop's
 * own thread, so the exchange finds its pool without a lookup shared between threads.
 */
public final class UpstreamPools {

    private static final FastThreadLocal<UpstreamPools> PER_LOOP = new FastThreadLocal<>() {
        @Override
        protected UpstreamPools initialValue() {
            return new UpstreamPools();
        }
    };

    private final Map<Endpoint, UpstreamPool> pools = new IdentityHashMap<>();
    private final Map<Endpoint, H2Pool> h2Pools = new IdentityHashMap<>();

    private UpstreamPools() {
    }

    /**
     * Acquires a connection to {@code endpoint} on the calling event loop: a pooled or new HTTP/1.1 connection,
     * or for {@code protocol: h2} a new stream on a shared h2 connection.
     */
    public static void acquire(EventLoop loop, Endpoint endpoint, ClusterConfig cluster, Transport transport,
                               UpstreamListener listener) {
        assert loop.inEventLoop();
        if (cluster.protocol() == UpstreamProtocol.H2) {
            PER_LOOP.get().h2Pools.computeIfAbsent(endpoint, e -> new H2Pool(loop, e, cluster, transport))
                    .acquire(listener);
            return;
        }
        // get first: the pool exists on every request but the first, and the capturing lambda would be allocated.
        Map<Endpoint, UpstreamPool> pools = PER_LOOP.get().pools;
        UpstreamPool pool = pools.get(endpoint);
        if (pool == null) {
            pool = pools.computeIfAbsent(endpoint, e -> new UpstreamPool(loop, e, cluster, transport));
        }
        pool.acquire(listener);
    }

    /** Closes this loop's idle connections to a draining endpoint; busy ones close when their exchange ends. */
    public static void closeIdleOf(Endpoint endpoint) {
        UpstreamPool pool = PER_LOOP.get().pools.get(endpoint);
        if (pool != null) {
            pool.closeAll();
        }
        H2Pool h2 = PER_LOOP.get().h2Pools.get(endpoint);
        if (h2 != null) {
            h2.closeIdle();
        }
    }

    /** Closes every connection of this loop to {@code endpoint}, busy ones included: a drain ran out of time. */
    public static void closeEveryOf(Endpoint endpoint) {
        UpstreamPool pool = PER_LOOP.get().pools.get(endpoint);
        if (pool != null) {
            pool.closeOpen();
        }
        H2Pool h2 = PER_LOOP.get().h2Pools.get(endpoint);
        if (h2 != null) {
            h2.closeAll();
        }
    }

    /**
     * Opens a connection to {@code endpoint} for one downstream client only: {@code proxyHeader} (a PROXY
     * protocol header naming that client) is sent first, and the connection is closed instead of pooled when
     * the exchange ends, since no other client may inherit it.
     */
    public static void acquirePrivate(EventLoop loop, Endpoint endpoint, ClusterConfig cluster, Transport transport,
                                      ByteBuf proxyHeader, UpstreamListener listener) {
        assert loop.inEventLoop();
        PER_LOOP.get().pools.computeIfAbsent(endpoint, e -> new UpstreamPool(loop, e, cluster, transport))
                .acquirePrivate(proxyHeader, listener);
    }

    /** Closes the idle connections of this loop to endpoints that are gone (after a reload). */
    public static void closeIdle(Endpoint endpoint) {
        UpstreamPool pool = PER_LOOP.get().pools.remove(endpoint);
        if (pool != null) {
            pool.closeAll();
        }
        H2Pool h2 = PER_LOOP.get().h2Pools.remove(endpoint);
        if (h2 != null) {
            h2.closeIdle();
        }
    }
}
