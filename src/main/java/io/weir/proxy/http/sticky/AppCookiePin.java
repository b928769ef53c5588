package io.weir.proxy.http.sticky;

import io.netty.handler.codec.http.HttpHeaders;
import io.weir.cluster.Endpoint;

import java.util.concurrent.CompletionStage;

/**
 * One request's application-cookie affinity: the session it carries (by key), where that session was pinned, and
 * where the request goes first. The response teaches the table: new session cookies, and the endpoint that now
 * holds a session that moved or was not known. When the shared store is asked, its answer is written here off the
 * event loop and read on it after {@link #pending()} completes, which orders the two.
 */
final class AppCookiePin implements StickyPin {

    private final AppCookieSession session;
    private final String key;
    private String namedId;
    private Endpoint preferred;
    private CompletionStage<Void> pending;

    /**
     * @param key       the request's session key; null when it carries no session cookie
     * @param namedId   the endpoint the session is pinned to; null when unknown
     * @param preferred where the request goes first; null to let the balancer pick
     */
    AppCookiePin(AppCookieSession session, String key, String namedId, Endpoint preferred) {
        this.session = session;
        this.key = key;
        this.namedId = namedId;
        this.preferred = preferred;
    }

    void await(CompletionStage<Void> lookup) {
        this.pending = lookup;
    }

    /** The shared store's answer: the session is pinned to {@code id}, and goes to {@code there} when not null. */
    void found(String id, Endpoint there) {
        this.namedId = id;
        this.preferred = there;
    }

    String namedId() {
        return namedId;
    }

    @Override
    public CompletionStage<Void> pending() {
        return pending;
    }

    @Override
    public Endpoint preferred() {
        return preferred;
    }

    @Override
    public void onResponse(Endpoint served, HttpHeaders headers) {
        if (served == null) {
            return;
        }
        boolean deleted = session.learnFrom(headers, key, served);
        if (key != null && !deleted && served != preferred) {
            session.moved(key, namedId, served);
        }
    }
}
