package io.weir.proxy.http.sticky;

import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.config.StickyConfig;
import io.weir.proxy.http.route.RequestView;
import io.weir.runtime.LoopClock;
import io.weir.state.SharedStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The session affinity of every cluster that has {@code sticky}, by cluster name. */
public final class StickySessions {

    private static final Logger log = LoggerFactory.getLogger(StickySessions.class);

    public static final StickySessions NONE = new StickySessions(Map.of(), new byte[32], null);

    private final Map<String, ClusterAffinity> byCluster;
    private final byte[] processKey;
    /** The store other nodes share (application-cookie sessions); null on a single node. */
    private final SharedStore shared;

    private StickySessions(Map<String, ClusterAffinity> byCluster, byte[] processKey, SharedStore shared) {
        this.byCluster = byCluster;
        this.processKey = processKey;
        this.shared = shared;
    }

    /**
     * @param env    reads environment variables ({@code secret_env}); a cluster naming one that is unset or empty
     *               fails the start, since nodes sharing cookies would otherwise silently disagree
     * @param shared where application-cookie sessions are shared with other nodes; null on a single node
     */
    public static StickySessions build(ClusterManager clusters, Function<String, String> env, SharedStore shared) {
        byte[] processKey = new byte[32];
        new SecureRandom().nextBytes(processKey);
        return build(clusters, env, processKey, shared, Map.of());
    }

    /** As {@link #build(ClusterManager, Function, SharedStore)} on a single node. */
    public static StickySessions build(ClusterManager clusters, Function<String, String> env) {
        return build(clusters, env, null);
    }

    /**
     * The sessions of reloaded clusters: signed with this instance's key so existing cookies stay valid, and with
     * the learned application-cookie sessions of each cluster whose cookie and table size are unchanged.
     */
    public StickySessions rebuiltFor(ClusterManager clusters, Function<String, String> env) {
        return build(clusters, env, processKey, shared, byCluster);
    }

    private static StickySessions build(ClusterManager clusters, Function<String, String> env, byte[] processKey,
                                        SharedStore shared, Map<String, ClusterAffinity> before) {
        Map<String, ClusterAffinity> map = new HashMap<>();
        for (Cluster cluster : clusters.all()) {
            cluster.config().sticky().ifPresent(sticky -> map.put(cluster.name(),
                    sticky.mode() == StickyConfig.Mode.APP_COOKIE
                            ? appCookie(cluster, sticky, shared, before.get(cluster.name()))
                            : insert(cluster, sticky, env, processKey, before.get(cluster.name()))));
        }
        return new StickySessions(Map.copyOf(map), processKey, shared);
    }

    private static StickySession insert(Cluster cluster, StickyConfig sticky, Function<String, String> env,
                                        byte[] processKey, ClusterAffinity before) {
        byte[] key = processKey;
        if (sticky.secretEnv().isPresent()) {
            String secret = env.apply(sticky.secretEnv().get());
            if (secret == null || secret.isEmpty()) {
                throw new IllegalStateException("cluster " + cluster.name() + ": sticky.secret_env names "
                        + sticky.secretEnv().get() + ", which is not set");
            }
            key = secret.getBytes(StandardCharsets.UTF_8);
        }
        return new StickySession(cluster, sticky, key, before instanceof StickySession old ? old : null);
    }

    private static AppCookieSession appCookie(Cluster cluster, StickyConfig sticky, SharedStore shared,
                                              ClusterAffinity before) {
        if (before instanceof AppCookieSession old && old.config().cookie().equals(sticky.cookie())
                && old.table().maxEntries() == sticky.maxEntries()
                && old.table().idleNanos() == sticky.idleTimeout().toNanos()) {
            return new AppCookieSession(cluster, sticky, old.table(), shared);
        }
        if (before instanceof AppCookieSession) {
            log.info("cluster {}: sticky cookie, idle_timeout or max_entries changed; learned sessions start afresh",
                    cluster.name());
        }
        return new AppCookieSession(cluster, sticky, new AppCookieTable(sticky.maxEntries(),
                sticky.idleTimeout().toNanos(), LoopClock::nanoTime), shared);
    }

    /** The affinity of a request to {@code cluster}: {@link StickyPin#NONE} when the cluster has none. */
    public StickyPin pin(Cluster cluster, RequestView request) {
        ClusterAffinity affinity = byCluster.get(cluster.name());
        if (affinity == null || affinity.cluster() != cluster) {
            return StickyPin.NONE;
        }
        return affinity.pin(request.cookie(affinity.cookieName()));
    }

    public Collection<ClusterAffinity> all() {
        return byCluster.values();
    }
}
