package io.weir.runtime;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.weir.cluster.ClusterManager;
import io.weir.config.ListenerConfig;
import io.weir.config.Protocol;
import io.weir.proxy.http.HttpListener;
import io.weir.proxy.http.HttpListenerContext;
import io.weir.proxy.http.RequestObserver;
import io.weir.proxy.http.route.Router;
import io.weir.proxy.l4.TcpListener;
import io.weir.proxy.l4.UdpListener;
import io.weir.metrics.ProxyMetrics;
import io.weir.proxy.http.sticky.StickySessions;
import io.weir.state.StateStore;
import io.weir.tls.CertificateWatcher;
import io.weir.tls.ServerTls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bound listeners of a running Weir, by name: binding, unbinding and, on reload, pointing a listener at
 * new clusters in place. An unbound http listener stays known until shutdown, so its open connections are
 * still waited for.
 */
final class Listeners {

    /** One bound listener; exactly one of {@code http}, {@code tcp}, {@code udp} is set. */
    record Bound(ListenerConfig config, InetSocketAddress address, HttpListener http, HttpListenerContext context,
                 TcpListener tcp, UdpListener udp) {

        void unbind() {
            if (http != null) {
                http.unbind();
                stopWatchingCertificates();
            } else if (tcp != null) {
                tcp.unbind();
            } else {
                udp.unbind();
            }
        }

        void stopWatchingCertificates() {
            if (context != null && context.tls() != null) {
                context.tls().stopWatching();
            }
        }
    }

    private final CertificateWatcher certificates = new CertificateWatcher();
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final RequestObserver observer;
    private final Map<String, Bound> bound = new LinkedHashMap<>();
    /** Every http listener ever bound, for shutdown's wait on open connections. */
    private final List<HttpListener> everHttp = new ArrayList<>();
    /** Every tcp listener ever bound, likewise. */
    private final List<TcpListener> everTcp = new ArrayList<>();

    private final StateStore state;
    private final ProxyMetrics metrics;
    /** Rebuilt on reload (same key, so cookies stay valid); every http listener's context follows. */
    private volatile StickySessions sticky;
    /** Told of every tcp connection and udp flow as it ends: the L4 access log. */
    private volatile io.weir.proxy.l4.ConnectionObserver connections = io.weir.proxy.l4.ConnectionObserver.NONE;

    /** Where sockets come from: handed over by the Weir this one replaces, or bound afresh. */
    private final ListenSockets sockets;

    Listeners(Transport transport, EventLoopGroup boss, EventLoopGroup workers, RequestObserver observer,
              StateStore state, StickySessions sticky, ProxyMetrics metrics, ListenSockets sockets) {
        this.sockets = sockets;
        this.transport = transport;
        this.boss = boss;
        this.workers = workers;
        this.observer = observer;
        this.state = state;
        this.sticky = sticky;
        this.metrics = metrics;
    }

    /** For listeners bound from now on (set before the first bind). */
    void observeConnections(io.weir.proxy.l4.ConnectionObserver observer) {
        connections = observer;
    }

    synchronized void setSticky(StickySessions next) {
        sticky = next;
        for (Bound b : bound.values()) {
            if (b.context() != null) {
                b.context().setSticky(next);
            }
        }
    }

    /** Binds {@code config} without registering it (see {@link #put}); throws when the bind or TLS fails. */
    Bound bind(ListenerConfig config, ClusterManager clusters) throws InterruptedException {
        return bind(config, clusters, config.protocol() == Protocol.HTTP ? tlsFor(config) : null);
    }

    /** As {@link #bind(ListenerConfig, ClusterManager)}, with the http listener's TLS already built. */
    Bound bind(ListenerConfig config, ClusterManager clusters, ServerTls tls) throws InterruptedException {
        try {
            return bindListener(config, clusters, tls);
        } catch (ListenFailure e) {
            throw e.of("listener " + config.name());
        }
    }

    private Bound bindListener(ListenerConfig config, ClusterManager clusters, ServerTls tls)
            throws InterruptedException {
        if (config.protocol() == Protocol.TCP) {
            TcpListener tcp = new TcpListener(config, transport, clusters);
            tcp.observeConnections(connections);
            InetSocketAddress address = tcp.bind(boss, workers, sockets);
            synchronized (this) {
                everTcp.add(tcp);
            }
            return new Bound(config, address, null, null, tcp, null);
        } else if (config.protocol() == Protocol.HTTP) {
            HttpListenerContext context = httpContext(config, clusters, tls, null);
            HttpListener http = new HttpListener(context);
            InetSocketAddress address = http.bind(boss, workers, sockets);
            synchronized (this) {
                everHttp.add(http);
            }
            return new Bound(config, address, http, context, null, null);
        } else {
            UdpListener udp = new UdpListener(config, transport, clusters);
            udp.observeFlows(connections);
            return new Bound(config, udp.bind(workers, sockets), null, null, null, udp);
        }
    }

    /** {@code previous}: the listener's context before a reload, whose rate limiters carry over; null when new. */
    private HttpListenerContext httpContext(ListenerConfig config, ClusterManager clusters, ServerTls tls,
                                            HttpListenerContext previous) {
        Router router = Router.compile(config.routes(), clusters, state, previous == null ? null : previous.router());
        metrics.watch(config.name(), router);
        if (tls != null) {
            tls.observeHandshakes(metrics.tlsHandshakes(config.name()));
        }
        HttpListenerContext context = new HttpListenerContext(config, transport, router, tls);
        context.setObserver(observer);
        context.setSticky(sticky);
        return context;
    }

    /** Whether {@code next} can be applied to the bound {@code listener} on its socket: same address and protocol. */
    static boolean reconfigurable(Bound listener, ListenerConfig next) {
        return listener.config().listen().equals(next.listen()) && listener.config().protocol() == next.protocol();
    }

    /**
     * Applies {@code next} to {@code listener} without closing its socket (see {@link #reconfigurable}): new
     * connections get the new settings, open ones keep theirs (a udp listener's open flows take its new
     * {@code idle_timeout} and {@code max_flows}). Returns the listener as it now stands, to
     * {@link #put} in the old one's place.
     */
    Bound reconfigure(Bound listener, ListenerConfig next, ClusterManager clusters, ServerTls tls) {
        if (listener.http() != null) {
            HttpListenerContext context = httpContext(next, clusters, tls, listener.context());
            listener.http().reconfigure(context);
            listener.stopWatchingCertificates();
            return new Bound(next, listener.address(), listener.http(), context, null, null);
        }
        if (listener.tcp() != null) {
            listener.tcp().reconfigure(next, clusters);
            return new Bound(next, listener.address(), null, null, listener.tcp(), null);
        }
        listener.udp().reconfigure(next, clusters);
        return new Bound(next, listener.address(), null, null, null, listener.udp());
    }

    /**
     * After a reload that left {@code listener}'s settings as they were: it is pointed at {@code clusters}, and an
     * http listener at {@code next}'s routes (its rate limiters kept where they did not change).
     */
    void update(Bound listener, ListenerConfig next, ClusterManager clusters) {
        if (listener.context() != null) {
            Router router = Router.compile(next.routes(), clusters, state, listener.context().router());
            metrics.watch(next.name(), router);
            listener.context().setRouter(router);
        } else if (listener.tcp() != null) {
            listener.tcp().update(clusters);
        } else {
            listener.udp().update(clusters);
        }
    }

    synchronized void put(Bound listener) {
        bound.put(listener.config().name(), listener);
    }

    synchronized Bound remove(String name) {
        return bound.remove(name);
    }

    synchronized Bound get(String name) {
        return bound.get(name);
    }

    synchronized Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> m = new LinkedHashMap<>();
        bound.forEach((name, b) -> m.put(name, b.address()));
        return m;
    }

    /** The bound listening sockets, for a new Weir taking over ({@link HandoverServer}). */
    synchronized List<Handover.Offer> offers() {
        List<Handover.Offer> out = new ArrayList<>();
        for (Bound b : bound.values()) {
            Handover.Kind kind = b.udp() != null ? Handover.Kind.DATAGRAM : Handover.Kind.STREAM;
            io.netty.channel.Channel ch = b.http() != null ? b.http().channel()
                    : b.tcp() != null ? b.tcp().channel() : b.udp().channel();
            if (ch != null && ch.isOpen()) {
                out.add(new Handover.Offer(kind, b.config().name(), b.config().listen().host(), b.address().getPort(),
                        ch));
            }
        }
        return out;
    }

    synchronized void unbindAll() {
        bound.values().forEach(Bound::unbind);
    }

    synchronized List<ChannelGroupFuture> closeGracefully() {
        List<ChannelGroupFuture> closed = new ArrayList<>(everHttp.stream().map(HttpListener::closeGracefully).toList());
        everTcp.forEach(tcp -> closed.add(tcp.closed()));
        return closed;
    }

    /** Stops watching certificate files (shutdown). */
    void closeCertificateWatcher() {
        certificates.close();
    }

    synchronized int openConnections() {
        return everHttp.stream().mapToInt(HttpListener::openConnections).sum()
                + everTcp.stream().mapToInt(TcpListener::openConnections).sum();
    }

    /** The listener's TLS, its certificate files watched for changes from now on; null for plain HTTP. */
    ServerTls tlsFor(ListenerConfig listener) {
        if (listener.tls().isEmpty()) {
            return null;
        }
        try {
            ServerTls tls = ServerTls.of(listener.tls().get(), listener.http2().enabled());
            certificates.watch(tls);
            return tls;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("listener " + listener.name() + ": TLS: " + e.getMessage(), e);
        }
    }
}
