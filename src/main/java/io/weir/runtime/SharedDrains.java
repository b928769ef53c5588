package io.weir.runtime;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.weir.cluster.Cluster;
import io.weir.cluster.ClusterManager;
import io.weir.cluster.Endpoint;
import io.weir.state.SharedStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Endpoint drain flags set through the admin API, shared by every node through one Redis hash,
 * {@code weir:drains}: field {@code CLUSTER/ENDPOINT}, value {@code d:MILLIS} (drained) or {@code u:MILLIS}
 * (undrained; kept as a tombstone so a node that missed the undrain cannot bring the drain back). Each node reads
 * the hash every {@code sync_interval} and follows it; its own admin changes are written first, and kept to write
 * again while Redis is down. A flag this node holds that Redis lost (a restart without persistence) is put back
 * unless another node wrote the field meanwhile. Redis down: every node keeps the drains it has, and the sync
 * resumes by itself when Redis answers.
 */
final class SharedDrains implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedDrains.class);
    static final String HASH = "drains";

    private final SharedStore store;
    private final Supplier<ClusterManager> clusters;
    private final BiConsumer<Cluster, Endpoint> drainLocally;
    private final EventLoopGroup loops;
    /** This node's admin changes not yet in Redis: field → value. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    /** Fields this node holds drained by a shared flag (its own, or another node's). */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final ScheduledFuture<?> timer;

    SharedDrains(SharedStore store, Supplier<ClusterManager> clusters, BiConsumer<Cluster, Endpoint> drainLocally,
                 EventLoopGroup loops, Duration interval) {
        this.store = store;
        this.clusters = clusters;
        this.drainLocally = drainLocally;
        this.loops = loops;
        this.timer = loops.next().scheduleAtFixedRate(this::sync, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    static String field(String cluster, String endpoint) {
        return cluster + "/" + endpoint;
    }

    /** This node's admin API drained the endpoint: share it. */
    void drained(String cluster, String endpoint) {
        String field = field(cluster, endpoint);
        held.add(field);
        pending.put(field, "d:" + System.currentTimeMillis());
        loops.next().execute(this::sync);
    }

    /** This node's admin API undrained the endpoint: share it. */
    void undrained(String cluster, String endpoint) {
        String field = field(cluster, endpoint);
        held.remove(field);
        pending.put(field, "u:" + System.currentTimeMillis());
        loops.next().execute(this::sync);
    }

    /** One round: write this node's changes, read everyone's, put back what Redis lost, follow the rest. */
    void sync() {
        if (!syncing.compareAndSet(false, true)) {
            return;
        }
        flushPending()
                .thenCompose(x -> store.hashEntries(HASH).toCompletableFuture())
                .thenCompose(entries -> restoreLost(entries).thenApply(x -> entries))
                .whenComplete((entries, error) -> {
                    // A failure is logged and counted by the store (weir_state_fallbacks_total): local drains stay.
                    try {
                        if (error == null) {
                            follow(entries);
                        }
                    } finally {
                        syncing.set(false);
                    }
                });
    }

    private CompletableFuture<Void> flushPending() {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (Map.Entry<String, String> e : Map.copyOf(pending).entrySet()) {
            writes.add(store.hashPut(HASH, e.getKey(), e.getValue()).toCompletableFuture()
                    .thenRun(() -> pending.remove(e.getKey(), e.getValue())));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> restoreLost(Map<String, String> entries) {
        List<CompletableFuture<Boolean>> writes = new ArrayList<>();
        for (String field : held) {
            if (!entries.containsKey(field) && !pending.containsKey(field)) {
                log.info("shared drains: {} is not in Redis (restarted?); putting this node's drain back", field);
                writes.add(store.hashPutIfAbsent(HASH, field, "d:" + System.currentTimeMillis()).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    private void follow(Map<String, String> entries) {
        ClusterManager current = clusters.get();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String field = e.getKey();
            if (pending.containsKey(field)) {
                continue;
            }
            int slash = field.lastIndexOf('/');
            if (slash <= 0) {
                continue;
            }
            Optional<Cluster> cluster = current.get(field.substring(0, slash));
            Optional<Endpoint> endpoint = cluster.flatMap(c -> c.endpoint(field.substring(slash + 1)));
            if (endpoint.isEmpty()) {
                continue;
            }
            if (e.getValue().startsWith("d")) {
                held.add(field);
                if (!endpoint.get().isDraining()) {
                    log.info("shared drains: endpoint {} of cluster {} was drained on another node; draining it here",
                            endpoint.get().id(), cluster.get().name());
                    drainLocally.accept(cluster.get(), endpoint.get());
                }
            } else if (held.remove(field)) {
                log.info("shared drains: endpoint {} of cluster {} was undrained on another node; undraining it here",
                        endpoint.get().id(), cluster.get().name());
                cluster.get().undrain(endpoint.get());
            }
        }
    }

    @Override
    public void close() {
        timer.cancel(false);
    }
}
