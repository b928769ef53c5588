package io.weir.proxy.http;

import io.weir.config.ListenerConfig;
import io.weir.proxy.TrustedProxies;
import io.weir.proxy.http.route.Router;
import io.weir.runtime.Transport;

/**
 * What every connection of one http listener shares: its config, its transport and the current router.
 * The router is swapped whole on reload; connections read it once per request.
 */
public final class HttpListenerContext {

    private final ListenerConfig config;
    private final Transport transport;
    private final TrustedProxies trustedProxies;
    private volatile Router router;

    public HttpListenerContext(ListenerConfig config, Transport transport, Router router) {
        this.config = config;
        this.transport = transport;
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

    Router router() {
        return router;
    }

    public void setRouter(Router router) {
        this.router = router;
    }

    /** The scheme downstream clients used, for X-Forwarded-Proto and redirects. */
    String scheme() {
        return "http";
    }
}
