package io.weir.proxy.http.sticky;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.ClientCookieDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.util.concurrent.FastThreadLocal;
import io.weir.cluster.Cluster;
import io.weir.cluster.Endpoint;
import io.weir.config.StickyConfig;
import io.weir.runtime.ThrottledLog;
import io.weir.state.SharedStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Application-cookie affinity of one cluster: Weir learns which endpoint set the application's session cookie
 * (say {@code JSESSIONID}) from the response's {@code Set-Cookie}, and sends later requests carrying that value
 * there while it can take them.
 *
 * <p>Sessions are keyed by a SHA-256 digest of the cookie value, never the value itself, so neither this table nor
 * the shared store holds anything a reader could replay as a session. The table of this node answers on the
 * request's event loop. With a shared store, a session this node does not know (or whose endpoint cannot take it,
 * as another node may have moved it already) is asked of the store; the request waits for that answer off the
 * event loop, at most the store's deadline. What this node learns is written to the store in the background, and
 * an entry in use is refreshed there (TTL pushed back, copy put back if Redis lost it, another node's move
 * adopted) at most every {@link #refreshNanos}.
 *
 * <p>In the store, a firm pin (see {@link AppCookieTable.Entry}) is the endpoint id; a tentative one is the id after
 * {@value #TENTATIVE}. A tentative pin never replaces anything there, and a node holding a firm pin overwrites a
 * tentative one it finds: after an outage, a session a backend started on node A stays there even if node B saw it
 * first and, not knowing it, balanced it elsewhere.
 */
public final class AppCookieSession implements ClusterAffinity {

    private static final Logger log = LoggerFactory.getLogger(AppCookieSession.class);
    private static final ThrottledLog REPINNED = ThrottledLog.info(log,
            "cluster {}: {} session re-pinned from {} ({}) to {}");
    private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();
    static final String TENTATIVE = "~";
    private static final FastThreadLocal<MessageDigest> SHA256 = new FastThreadLocal<>() {
        @Override
        protected MessageDigest initialValue() throws NoSuchAlgorithmException {
            return MessageDigest.getInstance("SHA-256");
        }
    };

    private final Cluster cluster;
    private final StickyConfig config;
    private final AppCookieTable table;
    private final SharedStore shared;
    private final String sharedPrefix;
    private final Duration idle;
    private final long refreshNanos;

    /** @param shared the store other nodes share; null on a single node */
    AppCookieSession(Cluster cluster, StickyConfig config, AppCookieTable table, SharedStore shared) {
        this.cluster = cluster;
        this.config = config;
        this.table = table;
        this.shared = shared;
        this.sharedPrefix = "sticky:" + cluster.name() + ":";
        this.idle = config.idleTimeout();
        this.refreshNanos = Math.max(Duration.ofMillis(100).toNanos(),
                Math.min(idle.toNanos() / 10, Duration.ofMinutes(1).toNanos()));
    }

    /** The session key of a cookie value: 128 bits of its SHA-256, base64url. */
    static String key(String cookieValue) {
        MessageDigest sha = SHA256.get();
        byte[] digest = sha.digest(cookieValue.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }

    @Override
    public StickyPin pin(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty()) {
            return new AppCookiePin(this, null, null, null);
        }
        String key = key(cookieValue);
        AppCookieTable.Entry e = table.use(key);
        String namedId = e == null ? null : e.endpointId;
        if (e != null) {
            Endpoint named = endpoint(namedId);
            if (named != null && StickySession.serves(cluster, named)) {
                refresh(key, e);
                return new AppCookiePin(this, key, namedId, named);
            }
        }
        AppCookiePin pin = new AppCookiePin(this, key, namedId, null);
        if (shared != null) {
            pin.await(lookup(key, pin));
        }
        return pin;
    }

    /** Asks the shared store where the session is; completes normally whatever the store does. */
    private CompletionStage<Void> lookup(String key, AppCookiePin pin) {
        return shared.get(sharedPrefix + key).handle((remote, error) -> {
            if (error != null || remote.isEmpty()) {
                return null;
            }
            boolean firm = !remote.get().startsWith(TENTATIVE);
            String id = firm ? remote.get() : remote.get().substring(TENTATIVE.length());
            Endpoint there = endpoint(id);
            if (there == null) {
                return null;
            }
            if (!id.equals(pin.namedId())) {
                table.foundShared.increment();
            }
            pin.found(id, StickySession.serves(cluster, there) ? there : null);
            if (pin.preferred() != null) {
                table.put(key, id, firm, table.now() + refreshNanos);
            }
            return null;
        });
    }

    /** Keeps the shared copy of a session in use alive, at most every {@link #refreshNanos}. */
    private void refresh(String key, AppCookieTable.Entry e) {
        long now = table.now();
        if (shared == null || now - e.shareAtNanos < 0) {
            return;
        }
        e.shareAtNanos = now + refreshNanos;
        String sharedKey = sharedPrefix + key;
        shared.touch(sharedKey, idle).whenComplete((remote, error) -> {
            if (error != null) {
                e.shareAtNanos = table.now() + Math.min(RETRY_NANOS, refreshNanos);
                return;
            }
            if (remote.isEmpty()) {
                // Learned while Redis was down, or Redis lost it (restart): share it again, unless another node
                // got there first.
                shared.putIfAbsent(sharedKey, encode(e.endpointId, e.firm), idle);
                return;
            }
            boolean firm = !remote.get().startsWith(TENTATIVE);
            String id = firm ? remote.get() : remote.get().substring(TENTATIVE.length());
            if (id.equals(e.endpointId)) {
                return;
            }
            if (e.firm && !firm) {
                // Another node only guessed where this session goes; this node knows.
                shared.put(sharedKey, encode(e.endpointId, true), idle);
            } else if (endpoint(id) != null) {
                // Another node moved the session (its endpoint failed there): follow, so nodes agree.
                table.replace(key, e, id, firm);
            }
        });
    }

    private static String encode(String endpointId, boolean firm) {
        return firm ? endpointId : TENTATIVE + endpointId;
    }

    /**
     * Learns from a response's {@code Set-Cookie}: a new session value is pinned to {@code served}; a deleted one
     * ({@code Max-Age=0}, an empty value) is forgotten.
     *
     * @return whether the response deleted the request's own session
     */
    boolean learnFrom(HttpHeaders headers, String requestKey, Endpoint served) {
        boolean deleted = false;
        for (String header : headers.getAll(HttpHeaderNames.SET_COOKIE)) {
            if (!header.regionMatches(true, 0, config.cookie(), 0, config.cookie().length())) {
                continue;
            }
            Cookie cookie = ClientCookieDecoder.LAX.decode(header);
            if (cookie == null || !cookie.name().equals(config.cookie())) {
                continue;
            }
            if (cookie.value().isEmpty() || (cookie.maxAge() != Cookie.UNDEFINED_MAX_AGE && cookie.maxAge() <= 0)) {
                if (requestKey != null) {
                    forget(requestKey);
                    deleted = true;
                }
                continue;
            }
            String key = key(cookie.value());
            AppCookieTable.Entry known = table.use(key);
            if (known == null || !known.firm || !known.endpointId.equals(served.id())) {
                table.learned.increment();
                pinTo(key, served, true);
            }
        }
        return deleted;
    }

    /**
     * A request of a known or unknown session was served by {@code served}, not where it was pinned: a known one
     * was moved there (firm); an unknown one is pinned there tentatively.
     */
    void moved(String key, String namedId, Endpoint served) {
        if (namedId != null && !namedId.equals(served.id())) {
            table.repinned.increment();
            Endpoint from = endpoint(namedId);
            REPINNED.log(cluster.name(), config.cookie(), namedId,
                    from == null ? "gone" : from.state().name().toLowerCase(Locale.ROOT), served);
        }
        pinTo(key, served, namedId != null);
    }

    private void pinTo(String key, Endpoint served, boolean firm) {
        AppCookieTable.Entry e = table.put(key, served.id(), firm, table.now() + refreshNanos);
        if (shared == null) {
            return;
        }
        String sharedKey = sharedPrefix + key;
        CompletionStage<?> write = firm ? shared.put(sharedKey, served.id(), idle)
                : shared.putIfAbsent(sharedKey, encode(served.id(), false), idle);
        write.whenComplete((ok, error) -> {
            if (error != null) {
                // Shared again on its next use once the store answers (see refresh).
                e.shareAtNanos = table.now();
            }
        });
    }

    private void forget(String key) {
        table.remove(key);
        if (shared != null) {
            shared.delete(sharedPrefix + key);
        }
    }

    private Endpoint endpoint(String id) {
        Optional<Endpoint> e = cluster.endpoint(id);
        return e.orElse(null);
    }

    @Override
    public Cluster cluster() {
        return cluster;
    }

    @Override
    public String cookieName() {
        return config.cookie();
    }

    @Override
    public long repinned() {
        return table.repinned();
    }

    /** The learned sessions and their tallies. */
    public AppCookieTable table() {
        return table;
    }

    StickyConfig config() {
        return config;
    }
}
