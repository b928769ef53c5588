package io.weir.config;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that span the whole file: unique listener and cluster names (the second one is reported), clusters
 * that are referred to exist, and no two sockets of the same transport listen on overlapping addresses. A cluster
 * nobody uses is fine.
 */
final class ConfigValidator {

    private ConfigValidator() {
    }

    static void validate(SourceIndex index, Problems problems) {
        unique("listener", index.listeners, problems);
        unique("cluster", index.clusters, problems);
        Set<String> clusters = new LinkedHashSet<>();
        index.clusters.forEach(c -> clusters.add(c.name()));
        for (SourceIndex.ClusterRef ref : index.clusterRefs) {
            if (!clusters.contains(ref.cluster())) {
                String known = clusters.isEmpty() ? "no clusters are defined" : "defined clusters: "
                        + String.join(", ", clusters);
                problems.at(ref.mark(), "unknown cluster '" + ref.cluster() + "' in " + ref.from() + "; " + known);
            }
        }
        listens(index.listens, problems);
    }

    private static void unique(String kind, List<SourceIndex.Declared> declared, Problems problems) {
        Map<String, SourceIndex.Declared> first = new HashMap<>();
        for (SourceIndex.Declared d : declared) {
            SourceIndex.Declared earlier = first.putIfAbsent(d.name(), d);
            if (earlier != null) {
                problems.at(d.mark(), "duplicate " + kind + " name '" + d.name() + "'; first defined at line "
                        + (earlier.mark().getLine() + 1));
            }
        }
    }

    private static void listens(List<SourceIndex.Listen> listens, Problems problems) {
        for (int j = 1; j < listens.size(); j++) {
            SourceIndex.Listen later = listens.get(j);
            for (int i = 0; i < j; i++) {
                SourceIndex.Listen earlier = listens.get(i);
                if (overlap(earlier, later)) {
                    problems.at(later.mark(), "listen address " + later.address() + " of " + later.owner()
                            + " is already used by " + earlier.owner() + " (line " + (earlier.mark().getLine() + 1)
                            + ")");
                    break;
                }
            }
        }
    }

    private static boolean overlap(SourceIndex.Listen a, SourceIndex.Listen b) {
        HostPort x = a.address();
        HostPort y = b.address();
        if (a.udp() != b.udp() || x.port() != y.port() || x.port() == 0) {
            return false;
        }
        return x.host().equalsIgnoreCase(y.host()) || isWildcard(x.host()) || isWildcard(y.host());
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }
}
