package io.weir.runtime;

import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.cluster.Endpoint;
import io.weir.config.ListenerConfig;
import io.weir.config.WeirConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Applies a new configuration to a running Weir without dropping a request.
 *
 * <p>First everything that can fail is done aside: clusters are rebuilt (unchanged ones kept as the same
 * objects, unchanged endpoints of changed ones reused), listeners that are new or move to a new address are
 * bound. If any of that fails, what was bound is unbound and nothing else has changed. Then the swap: http
 * listeners get a router compiled against the new clusters (connections read it per request, so requests in
 * flight finish on the old one), tcp and udp listeners new connections' clusters; listeners whose other settings
 * changed (TLS, timeouts, limits) get them for new connections on the socket they have, while a listener whose
 * protocol changed on the same address is bound again; removed listeners unbind, their open connections
 * finishing; health checks restart for rebuilt clusters; endpoints no
 * longer configured are drained within their cluster's {@code drain_timeout}, not cut.
 */
final class Reloader {

    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final Weir weir;
    private final Listeners listeners;
    private final EndpointDrainer drainer;

    Reloader(Weir weir, Listeners listeners, EndpointDrainer drainer) {
        this.weir = weir;
        this.listeners = listeners;
        this.drainer = drainer;
    }

    ReloadResult apply(WeirConfig next) {
        WeirConfig current = weir.config();
        ClusterManager before = weir.clusters();
        ClusterManager after = ClusterManager.rebuild(next.clusters(), before);
        List<String> changes = new ArrayList<>();

        Map<String, ListenerConfig> old = byName(current.listeners());
        Map<String, ListenerConfig> wanted = byName(next.listeners());
        // Bound aside first: new listeners, and changed ones on a new address (both can be up at once).
        Map<String, Listeners.Bound> fresh = new LinkedHashMap<>();
        List<ListenerConfig> settingsChanged = new ArrayList<>();
        Map<String, io.weir.tls.ServerTls> tls = new java.util.HashMap<>();
        List<ListenerConfig> update = new ArrayList<>();
        ListenerConfig binding = null;
        try {
            for (ListenerConfig l : next.listeners()) {
                binding = l;
                ListenerConfig was = old.get(l.name());
                if (was == null) {
                    fresh.put(l.name(), listeners.bind(l, after));
                    changes.add("listener " + l.name() + " added");
                } else if (sameExceptRoutes(was, l)) {
                    update.add(l);
                } else if (!was.listen().equals(l.listen())) {
                    fresh.put(l.name(), listeners.bind(l, after));
                    changes.add("listener " + l.name() + " rebound on " + l.listen());
                } else {
                    // A certificate that cannot be read refuses the reload here, before anything changed.
                    tls.put(l.name(), l.protocol() == io.weir.config.Protocol.HTTP ? listeners.tlsFor(l) : null);
                    settingsChanged.add(l);
                }
            }
        } catch (Exception e) {
            // Netty's sync() rethrows a failed bind's IOException unchecked-style, hence Exception.
            fresh.values().forEach(Listeners.Bound::unbind);
            tls.values().stream().filter(Objects::nonNull).forEach(io.weir.tls.ServerTls::stopWatching);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e instanceof IllegalStateException || e instanceof ListenFailure ? e.getMessage()
                    : "listener " + binding.name() + ": cannot bind " + binding.listen() + ": " + e.getMessage();
            log.error("reload refused, nothing changed: {}", why);
            return ReloadResult.failed(List.of(why));
        }

        // The swap. From here on nothing is refused. Rebuilt clusters first get a snapshot that knows the
        // health of the endpoints they carried over (and panic mode), before any request can see them.
        for (Cluster c : after.all()) {
            if (before.get(c.name()).orElse(null) != c) {
                c.rebuild();
            }
        }
        weir.swapped(next, after);
        for (ListenerConfig l : update) {
            listeners.update(listeners.get(l.name()), l, after);
            if (!old.get(l.name()).routes().equals(l.routes())) {
                changes.add("listener " + l.name() + ": routes changed");
            }
        }
        fresh.forEach((name, bound) -> {
            Listeners.Bound previous = listeners.remove(name);
            if (previous != null) {
                previous.unbind();
            }
            listeners.put(bound);
        });
        for (ListenerConfig l : settingsChanged) {
            Listeners.Bound previous = listeners.get(l.name());
            if (Listeners.reconfigurable(previous, l)) {
                // The listening socket stays: new connections get the new settings, and none is refused meanwhile.
                listeners.put(listeners.reconfigure(previous, l, after, tls.get(l.name())));
                changes.add("listener " + l.name() + ": settings changed (on the same socket)");
                continue;
            }
            // Same address, another protocol: a short gap is unavoidable without SO_REUSEPORT.
            listeners.remove(l.name());
            previous.unbind();
            try {
                listeners.put(listeners.bind(l, after, tls.get(l.name())));
                changes.add("listener " + l.name() + " rebound");
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                // A ListenFailure already names the listener and its address.
                String why = e instanceof ListenFailure ? e.getMessage()
                        : "listener " + l.name() + " could not be rebound on " + l.listen() + ": " + e.getMessage();
                log.error("reload: {}; it was unbound for the rebind and stays unbound", why);
                changes.add(why + " (FAILED: unbound for the rebind, it stays unbound)");
            }
        }
        for (String name : old.keySet()) {
            if (!wanted.containsKey(name)) {
                Listeners.Bound gone = listeners.remove(name);
                if (gone != null) {
                    gone.unbind();
                }
                changes.add("listener " + name + " removed");
            }
        }
        restartHealthAndDrain(before, after, changes);
        log.info("config reloaded from {}: {}", next.source(), changes.isEmpty() ? "no changes" : changes);
        return ReloadResult.applied(changes);
    }

    private void restartHealthAndDrain(ClusterManager before, ClusterManager after, List<String> changes) {
        Set<Cluster> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        after.all().forEach(kept::add);
        List<Cluster> stopped = new ArrayList<>();
        List<Cluster> started = new ArrayList<>();
        Set<Endpoint> live = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Cluster c : after.all()) {
            live.addAll(c.endpoints());
            if (before.get(c.name()).orElse(null) != c) {
                started.add(c);
                changes.add("cluster " + c.name() + (before.get(c.name()).isPresent() ? " changed" : " added"));
            }
        }
        for (Cluster c : before.all()) {
            if (!kept.contains(c)) {
                stopped.add(c);
                if (after.get(c.name()).isEmpty()) {
                    changes.add("cluster " + c.name() + " removed");
                }
            }
        }
        weir.health().restart(stopped, started);
        weir.metrics().rewatch(stopped, started);
        for (Cluster c : stopped) {
            after.get(c.name()).ifPresent(c::retire);
            for (Endpoint e : c.endpoints()) {
                if (!live.contains(e)) {
                    // Still in the cluster under a new weight or balancer: the old object's connections drain.
                    boolean stays = after.get(c.name()).flatMap(n -> n.endpoint(e.id())).isPresent();
                    changes.add("cluster " + c.name() + ": endpoint " + e.id() + (stays
                            ? " rebuilt (new weight or balancer); what it had in flight drains" : " draining"));
                    drainer.drain(c, e, c.config().drainTimeout());
                }
            }
        }
    }

    private static Map<String, ListenerConfig> byName(List<ListenerConfig> list) {
        Map<String, ListenerConfig> m = new LinkedHashMap<>();
        list.forEach(l -> m.put(l.name(), l));
        return m;
    }

    /** Whether two listener configs differ at most in their routes: what can be applied to a bound listener. */
    static boolean sameExceptRoutes(ListenerConfig a, ListenerConfig b) {
        try {
            for (RecordComponent c : ListenerConfig.class.getRecordComponents()) {
                if (c.getName().equals("routes")) {
                    continue;
                }
                if (!Objects.equals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
                    return false;
                }
            }
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
