package io.weir.proxy.http.sticky;

import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.config.StickyConfig;
import io.weir.runtime.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cookie-insert affinity of one cluster: which endpoint a request's cookie pins it to, whether that endpoint
 * may still take it, and the {@code Set-Cookie} that pins a client to the endpoint that served it.
 */
public final class StickySession implements ClusterAffinity {

    private static final Logger log = LoggerFactory.getLogger(StickySession.class);
    private static final ThrottledLog REPINNED = ThrottledLog.info(log,
            "cluster {}: sticky session re-pinned from {} ({}) to {}");

    private final Cluster cluster;
    private final StickyConfig config;
    private final StickyTokens tokens;
    /** The whole Set-Cookie value per endpoint, encoded once. */
    private final Map<Endpoint, String> setCookie = new IdentityHashMap<>();
    // Carried over from the cluster's session before a reload: counters never go back, and the meters that
    // read them (registered once per cluster) keep reading these same adders.
    private final LongAdder repinned;
    private final LongAdder invalid;

    /** @param before the cluster's session before a reload, whose counts go on; null on the first build */
    StickySession(Cluster cluster, StickyConfig config, byte[] key, StickySession before) {
        this.cluster = cluster;
        this.config = config;
        this.repinned = before == null ? new LongAdder() : before.repinned;
        this.invalid = before == null ? new LongAdder() : before.invalid;
        this.tokens = new StickyTokens(key, cluster.name(), cluster.endpoints());
        for (Endpoint e : cluster.endpoints()) {
            setCookie.put(e, encode(tokens.token(e)));
        }
    }

    private String encode(String value) {
        DefaultCookie cookie = new DefaultCookie(config.cookie(), value);
        cookie.setPath(config.path());
        config.domain().ifPresent(cookie::setDomain);
        config.maxAge().ifPresent(d -> cookie.setMaxAge(d.toSeconds()));
        cookie.setSecure(config.secure());
        cookie.setHttpOnly(config.httpOnly());
        config.sameSite().ifPresent(s -> cookie.setSameSite(switch (s) {
            case LAX -> CookieHeaderNames.SameSite.Lax;
            case STRICT -> CookieHeaderNames.SameSite.Strict;
            case NONE -> CookieHeaderNames.SameSite.None;
        }));
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    @Override
    public String cookieName() {
        return config.cookie();
    }

    /** The pin of a request carrying {@code cookieValue} (null when it carries none). */
    @Override
    public StickyPin pin(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty()) {
            return new InsertPin(this, null, null);
        }
        Endpoint named = tokens.endpoint(cookieValue);
        if (named == null) {
            invalid.increment();
            log.debug("cluster {}: sticky cookie {} names no endpoint (tampered, or from another key); "
                    + "pinning afresh", cluster.name(), config.cookie());
            return new InsertPin(this, null, null);
        }
        return new InsertPin(this, named, serves(named) ? named : null);
    }

    /**
     * Whether a pinned endpoint takes its session's request: when available; when draining but otherwise up,
     * until the cluster's {@code drain_timeout} since the drain began. Never unhealthy, ejected or gone.
     */
    boolean serves(Endpoint e) {
        return serves(cluster, e);
    }

    /** As {@link #serves(Endpoint)}, for the endpoint of any affinity of {@code cluster}. */
    static boolean serves(Cluster cluster, Endpoint e) {
        if (e.isAvailable()) {
            return true;
        }
        return e.isDraining() && e.isUpApartFromDrain()
                && System.nanoTime() - e.drainingSinceNanos() < cluster.config().drainTimeout().toNanos();
    }

    String setCookie(Endpoint e) {
        return setCookie.get(e);
    }

    void repinned(Endpoint from, Endpoint to) {
        repinned.increment();
        REPINNED.log(cluster.name(), from, from.state().name().toLowerCase(java.util.Locale.ROOT), to);
    }

    /** Sessions moved to another endpoint because theirs was unhealthy, ejected, drained or gone. */
    @Override
    public long repinned() {
        return repinned.sum();
    }

    /** Requests whose cookie named no endpoint: tampered, or signed with another key. */
    public long invalid() {
        return invalid.sum();
    }

    @Override
    public Cluster cluster() {
        return cluster;
    }
}
