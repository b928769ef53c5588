package io.weir.proxy.http;

import io.weir.config.ListenerConfig;
import io.weir.proxy.TrustedProxies;
import io.weir.proxy.http.route.Router;
import io.weir.proxy.http.sticky.StickySessions;
import io.weir.runtime.Transport;
import io.weir.tls.ServerTls;

/**
 * What every connection of one http listener shares: its config, its transport and the current router.
 * The router is swapped whole on reload; connections read it once per request.
 */
public final class HttpListenerContext {

    private final ListenerConfig config;
    private final Transport transport;
    private final TrustedProxies trustedProxies;
    private final ServerTls tls;
    private volatile Router router;
    private volatile RequestObserver observer = RequestObserver.NONE;
    private volatile StickySessions sticky = StickySessions.NONE;

    public HttpListenerContext(ListenerConfig config, Transport transport, Router router, ServerTls tls) {
        this.config = config;
        this.transport = transport;
        this.tls = tls;
        this.trustedProxies = TrustedProxies.of(config.trustedProxies());
        this.router = router;
    }

    public ListenerConfig config() {
        return config;
    }

    Transport transport() {
        return transport;
    }

    TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    public Router router() {
        return router;
    }

    RequestObserver observer() {
        return observer;
    }

    /** Where request outcomes go (metrics, access log); set before the listener binds or on reload. */
    public void setObserver(RequestObserver observer) {
        this.observer = observer;
    }

    StickySessions sticky() {
        return sticky;
    }

    /** The clusters' cookie affinity; set before the listener binds. */
    public void setSticky(StickySessions sticky) {
        this.sticky = sticky;
    }

    public void setRouter(Router router) {
        this.router = router;
    }

    /** The scheme downstream clients used, for X-Forwarded-Proto and redirects. */
    String scheme() {
        return tls == null ? "http" : "https";
    }

    /** The header that carries the verified client certificate upstream (mTLS); null when not configured. */
    String clientCertHeader() {
        return tls == null ? null : tls.clientCertHeader();
    }

    /** TLS termination; null for plain HTTP. */
    public ServerTls tls() {
        return tls;
    }
}
