package io.weir.runtime;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.proxy.http.upstream.UpstreamPools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Takes an endpoint out of service without failing what it is doing: no new requests, idle upstream
 * connections closed at once on every event loop (each loop owns its pool), busy ones closed as their
 * exchange ends, and whatever is still open after {@code drain_timeout} closed anyway.
 */
final class EndpointDrainer {

    private static final Logger log = LoggerFactory.getLogger(EndpointDrainer.class);
    /** How often the drain looks whether the endpoint is done; a drain is rare and slow, so coarse is fine. */
    private static final long CHECK_MILLIS = 50;

    private final EventLoopGroup loops;

    EndpointDrainer(EventLoopGroup loops) {
        this.loops = loops;
    }

    /** Completes with {@code true} when the endpoint had nothing left in flight, {@code false} at the timeout. */
    CompletableFuture<Boolean> drain(Cluster cluster, Endpoint endpoint, Duration timeout) {
        log.info("cluster {}: draining endpoint {} ({} requests in flight, {} connections; drain_timeout {}ms)",
                cluster.name(), endpoint, endpoint.outstanding(), endpoint.connections(), timeout.toMillis());
        cluster.drain(endpoint);
        for (EventExecutor loop : loops) {
            loop.execute(() -> UpstreamPools.closeIdleOf(endpoint));
        }
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        EventExecutor timer = loops.next();
        ScheduledFuture<?> check = timer.scheduleAtFixedRate(() -> {
            if (endpoint.outstanding() == 0 && endpoint.connections() == 0) {
                log.info("cluster {}: endpoint {} drained", cluster.name(), endpoint);
                done.complete(true);
            } else if (System.nanoTime() - deadline >= 0) {
                log.warn("cluster {}: endpoint {} still had {} requests in flight after drain_timeout {}ms; "
                        + "closing its connections", cluster.name(), endpoint, endpoint.outstanding(),
                        timeout.toMillis());
                for (EventExecutor loop : loops) {
                    loop.execute(() -> UpstreamPools.closeEveryOf(endpoint));
                }
                done.complete(false);
            }
        }, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        done.whenComplete((clean, error) -> check.cancel(false));
        return done;
    }
}
