package io.weir.runtime;

import io.weir.config.AddressParser;
import io.weir.config.ClusterConfig;
import io.weir.config.ClusterConfig.EndpointConfig;
import io.weir.config.HostPort;
import io.weir.config.WeirConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes made through the admin API, kept apart from the file and applied on top of it at start and on
 * every reload, so they survive both (HAProxy loses runtime changes on reload; Weir does not). Per cluster:
 * endpoint weights set (an address the file lacks is an added endpoint), endpoints removed, and endpoints
 * drained by the operator (a drain is a decision about an endpoint, so it outlives reloads and restarts too).
 * Immutable.
 */
public record Overlay(Map<String, Edits> clusters) {

    /** One cluster's changes: address → weight (added or re-weighted endpoints), removed and drained addresses. */
    public record Edits(Map<String, Integer> weights, Set<String> removed, Set<String> drained) {
        public Edits {
            weights = Map.copyOf(weights);
            removed = Set.copyOf(removed);
            drained = Set.copyOf(drained);
        }

        public Edits(Map<String, Integer> weights, Set<String> removed) {
            this(weights, removed, Set.of());
        }

        boolean isEmpty() {
            return weights.isEmpty() && removed.isEmpty() && drained.isEmpty();
        }
    }

    public static final Overlay EMPTY = new Overlay(Map.of());

    public Overlay {
        clusters = Map.copyOf(clusters);
    }

    /** The canonical spelling of an endpoint address ({@code host:port}, IPv6 in brackets). */
    public static String normalize(String address) {
        return AddressParser.parseEndpoint(address).toString();
    }

    public boolean isEmpty() {
        return clusters.isEmpty();
    }

    /** Adds (or re-adds) {@code address} with {@code weight}; also how a weight is set. */
    public Overlay withWeight(String cluster, String address, int weight) {
        Edits e = edits(cluster);
        Map<String, Integer> w = new LinkedHashMap<>(e.weights());
        w.put(address, weight);
        Set<String> r = new LinkedHashSet<>(e.removed());
        r.remove(address);
        return with(cluster, new Edits(w, r, e.drained()));
    }

    /** Removes {@code address}; {@code inFile} says whether the file lists it (then the removal must be kept). */
    public Overlay without(String cluster, String address, boolean inFile) {
        Edits e = edits(cluster);
        Map<String, Integer> w = new LinkedHashMap<>(e.weights());
        w.remove(address);
        Set<String> r = new LinkedHashSet<>(e.removed());
        if (inFile) {
            r.add(address);
        }
        Set<String> d = new LinkedHashSet<>(e.drained());
        d.remove(address);
        return with(cluster, new Edits(w, r, d));
    }

    /** Marks {@code address} drained (or not): it takes no new requests, at once and after every reload and start. */
    public Overlay withDrained(String cluster, String address, boolean drained) {
        Edits e = edits(cluster);
        Set<String> d = new LinkedHashSet<>(e.drained());
        if (drained) {
            d.add(address);
        } else {
            d.remove(address);
        }
        return with(cluster, new Edits(e.weights(), e.removed(), d));
    }

    /** The addresses drained through the admin API, by cluster (only clusters that have some). */
    public Map<String, Set<String>> drained() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        clusters.forEach((name, e) -> {
            if (!e.drained().isEmpty()) {
                m.put(name, e.drained());
            }
        });
        return m;
    }

    private Edits edits(String cluster) {
        return clusters.getOrDefault(cluster, new Edits(Map.of(), Set.of(), Set.of()));
    }

    private Overlay with(String cluster, Edits edits) {
        Map<String, Edits> m = new LinkedHashMap<>(clusters);
        if (edits.isEmpty()) {
            m.remove(cluster);
        } else {
            m.put(cluster, edits);
        }
        return new Overlay(m);
    }

    /** {@code file} with these changes applied. Changes to a cluster the file no longer has are ignored. */
    public WeirConfig applyTo(WeirConfig file) {
        if (clusters.isEmpty()) {
            return file;
        }
        List<ClusterConfig> out = new ArrayList<>();
        for (ClusterConfig c : file.clusters()) {
            Edits e = clusters.get(c.name());
            out.add(e == null ? c : withEndpoints(c, apply(c.endpoints(), e)));
        }
        return file.withClusters(out);
    }

    private static List<EndpointConfig> apply(List<EndpointConfig> endpoints, Edits e) {
        List<EndpointConfig> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (EndpointConfig ep : endpoints) {
            String id = ep.address().toString();
            seen.add(id);
            if (!e.removed().contains(id)) {
                out.add(new EndpointConfig(ep.address(), e.weights().getOrDefault(id, ep.weight()), ep.maxConnections()));
            }
        }
        e.weights().forEach((address, weight) -> {
            if (!seen.contains(address)) {
                HostPort hp = AddressParser.parseEndpoint(address);
                out.add(new EndpointConfig(hp, weight));
            }
        });
        return out;
    }

    private static ClusterConfig withEndpoints(ClusterConfig c, List<EndpointConfig> endpoints) {
        return c.withEndpoints(endpoints);
    }

    /** How {@code running} differs from {@code file}, per cluster: endpoints added, removed, re-weighted. */
    public static Map<String, Object> diff(WeirConfig file, WeirConfig running) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ClusterConfig f : file.clusters()) {
            ClusterConfig r = running.clusters().stream().filter(c -> c.name().equals(f.name())).findFirst()
                    .orElse(null);
            if (r == null) {
                continue;
            }
            Map<String, Integer> fw = weights(f);
            Map<String, Integer> rw = weights(r);
            List<Map<String, Object>> added = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            List<Map<String, Object>> reweighted = new ArrayList<>();
            rw.forEach((a, w) -> {
                if (!fw.containsKey(a)) {
                    added.add(Map.of("address", a, "weight", w));
                } else if (!fw.get(a).equals(w)) {
                    reweighted.add(Map.of("address", a, "file", fw.get(a), "running", w));
                }
            });
            fw.keySet().stream().filter(a -> !rw.containsKey(a)).forEach(removed::add);
            if (!added.isEmpty() || !removed.isEmpty() || !reweighted.isEmpty()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("endpoints_added", added);
                c.put("endpoints_removed", removed);
                c.put("weights_changed", reweighted);
                out.put(f.name(), c);
            }
        }
        return out;
    }

    private static Map<String, Integer> weights(ClusterConfig c) {
        Map<String, Integer> m = new LinkedHashMap<>();
        c.endpoints().forEach(e -> m.put(e.address().toString(), e.weight()));
        return m;
    }
}
