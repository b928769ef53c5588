package io.weir.config;

import java.util.ArrayList;
import java.util.List;

import org.yaml.snakeyaml.error.Mark;

/**
 * What the binders saw and where: declared names, cluster references and listen addresses, each with its
 * position, so {@link ConfigValidator} can check them across the whole file once binding is done.
 */
final class SourceIndex {

    record Declared(String name, Mark mark) { }

    /** @param from who refers, for messages: {@code route 'web#0'}, {@code listener 'db'} */
    record ClusterRef(String cluster, Mark mark, String from) { }

    /** @param owner for messages: {@code listener 'web'}, {@code admin} */
    record Listen(String owner, boolean udp, HostPort address, Mark mark) { }

    final List<Declared> listeners = new ArrayList<>();
    final List<Declared> clusters = new ArrayList<>();
    final List<ClusterRef> clusterRefs = new ArrayList<>();
    final List<Listen> listens = new ArrayList<>();

    void listener(String name, Mark mark) {
        listeners.add(new Declared(name, mark));
    }

    void cluster(String name, Mark mark) {
        clusters.add(new Declared(name, mark));
    }

    void clusterRef(String cluster, Mark mark, String from) {
        clusterRefs.add(new ClusterRef(cluster, mark, from));
    }

    void listen(String owner, boolean udp, HostPort address, Mark mark) {
        listens.add(new Listen(owner, udp, address, mark));
    }
}
