package io.weir.proxy.http.sticky;

import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.proxy.http.route.RequestView;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The sticky session of every cluster that has {@code sticky}, by cluster name. */
public final class StickySessions {

    public static final StickySessions NONE = new StickySessions(Map.of(), new byte[32]);

    private final Map<String, StickySession> byCluster;
    private final byte[] processKey;

    private StickySessions(Map<String, StickySession> byCluster, byte[] processKey) {
        this.byCluster = byCluster;
        this.processKey = processKey;
    }

    /**
     * @param env reads environment variables ({@code secret_env}); a cluster naming one that is unset or empty
     *            fails the start, since nodes sharing cookies would otherwise silently disagree
     */
    public static StickySessions build(ClusterManager clusters, Function<String, String> env) {
        byte[] processKey = new byte[32];
        new SecureRandom().nextBytes(processKey);
        return build(clusters, env, processKey);
    }

    /** The sessions of reloaded clusters, signed with this instance's key so existing cookies stay valid. */
    public StickySessions rebuiltFor(ClusterManager clusters, Function<String, String> env) {
        return build(clusters, env, processKey);
    }

    private static StickySessions build(ClusterManager clusters, Function<String, String> env, byte[] processKey) {
        Map<String, StickySession> map = new HashMap<>();
        for (Cluster cluster : clusters.all()) {
            cluster.config().sticky().ifPresent(sticky -> {
                byte[] key = processKey;
                if (sticky.secretEnv().isPresent()) {
                    String secret = env.apply(sticky.secretEnv().get());
                    if (secret == null || secret.isEmpty()) {
                        throw new IllegalStateException("cluster " + cluster.name() + ": sticky.secret_env names "
                                + sticky.secretEnv().get() + ", which is not set");
                    }
                    key = secret.getBytes(StandardCharsets.UTF_8);
                }
                map.put(cluster.name(), new StickySession(cluster, sticky, key));
            });
        }
        return new StickySessions(Map.copyOf(map), processKey);
    }

    /** The affinity of a request to {@code cluster}: {@link StickyPin#NONE} when the cluster has none. */
    public StickyPin pin(Cluster cluster, RequestView request) {
        StickySession session = byCluster.get(cluster.name());
        if (session == null || session.cluster() != cluster) {
            return StickyPin.NONE;
        }
        return session.pin(request.cookie(session.cookieName()));
    }

    public Collection<StickySession> all() {
        return byCluster.values();
    }
}
