package io.weir.proxy.http.sticky;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.weir.cluster.Endpoint;

/**
 * One request's cookie-insert affinity: the endpoint its cookie named, the one it should go to first, and, once an
 * endpoint served it, the cookie that pins the client there if that is not where it was pinned already.
 */
final class InsertPin implements StickyPin {

    private final StickySession session;
    private final Endpoint named;
    private final Endpoint preferred;

    InsertPin(StickySession session, Endpoint named, Endpoint preferred) {
        this.session = session;
        this.named = named;
        this.preferred = preferred;
    }

    @Override
    public Endpoint preferred() {
        return preferred;
    }

    /** Adds the pinning {@code Set-Cookie} to a response from {@code served}, unless the client is pinned there. */
    @Override
    public void onResponse(Endpoint served, HttpHeaders headers) {
        if (session == null || served == null || served == named) {
            return;
        }
        if (named != null) {
            session.repinned(named, served);
        }
        String cookie = session.setCookie(served);
        if (cookie != null) {
            headers.add(HttpHeaderNames.SET_COOKIE, cookie);
        }
    }
}
