package io.weir.simulate;

import io.weir.balance.BalancerSpec;
import io.weir.balance.Hashing;
import io.weir.balance.LoadBalancer;
import io.weir.balance.LoadBalancerFactory;
import io.weir.balance.LoadBalancers;
import io.weir.balance.PickContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * One algorithm through one scenario: a discrete-event simulation on a virtual nanosecond clock that
 * drives the real balancer classes (the clock is the balancer's clock too, so slow start and the
 * latency EWMA age in simulated time). Single-threaded and seeded: the same scenario gives the same
 * result, bit for bit.
 */
final class Simulation {

    private enum Kind { ARRIVAL, DONE, TIMEOUT, SCENARIO }

    private record Event(long at, long seq, Kind kind, SimRequest request, Scenario.EventSpec spec)
            implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final Scenario scenario;
    private final AlgorithmSpec algorithm;
    private final BalancerSpec balancerSpec;
    private final LoadBalancerFactory factory;
    private final Workload workload;
    private final long endNanos;
    private final long timeoutNanos;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final List<SimHost> hosts = new ArrayList<>();
    private final Map<SimHost, SimServer> servers = new LinkedHashMap<>();
    private final Map<String, SimServer> byId = new HashMap<>();
    private final Map<SimServer, Set<SimRequest>> inService = new HashMap<>();
    private final Metrics metrics = new Metrics();
    private LoadBalancer<SimHost> balancer;
    private long now;
    private long seq;

    Simulation(Scenario scenario, AlgorithmSpec algorithm) {
        this.scenario = scenario;
        this.algorithm = algorithm;
        this.balancerSpec = algorithm.balancerSpec();
        this.factory = LoadBalancers.factory(balancerSpec, scenario.seed(), () -> now);
        this.workload = new Workload(scenario);
        this.endNanos = scenario.duration().toNanos();
        this.timeoutNanos = scenario.timeout().toNanos();
    }

    RunResult run() {
        for (Scenario.ServerSpec s : scenario.servers()) {
            for (int i = 1; i <= s.count(); i++) {
                addServer(s.count() == 1 ? s.id() : s.id() + i, s.weight(), s.capacity(), s.speed(), Long.MIN_VALUE);
            }
        }
        balancer = factory.create(hosts);
        for (Scenario.EventSpec e : scenario.events()) {
            schedule(e.at().toNanos(), Kind.SCENARIO, null, e);
        }
        schedule(workload.nextGapNanos(), Kind.ARRIVAL, null, null);
        Event e;
        while ((e = events.poll()) != null) {
            now = e.at;
            switch (e.kind) {
                case ARRIVAL -> arrive();
                case DONE -> done(e.request);
                case TIMEOUT -> timeout(e.request);
                case SCENARIO -> apply(e.spec);
            }
        }
        return metrics.result(algorithm.name(), servers.values());
    }

    private void schedule(long at, Kind kind, SimRequest r, Scenario.EventSpec spec) {
        events.add(new Event(at, seq++, kind, r, spec));
    }

    private SimServer addServer(String id, int weight, int capacity, double speed, long availableSince) {
        SimHost host = new SimHost(id, weight, LoadBalancers.latencyTracker(balancerSpec, () -> now));
        host.availableSince = availableSince;
        SimServer server = new SimServer(id, host, capacity, speed);
        hosts.add(host);
        servers.put(host, server);
        byId.put(id, server);
        inService.put(server, new LinkedHashSet<>());
        return server;
    }

    private void arrive() {
        long gap = workload.nextGapNanos();
        if (now + gap < endNanos) {
            schedule(now + gap, Kind.ARRIVAL, null, null);
        }
        long cost = workload.nextCostNanos();
        dispatch(cost, workload.nextKey());
    }

    private void dispatch(long cost, String key) {
        SimHost host = balancer.pick(PickContext.ofHash(Hashing.hash64(key)));
        boolean anySlow = servers.values().stream().anyMatch(SimServer::isSlow);
        if (host == null) {
            metrics.noHost();
            return;
        }
        SimServer server = servers.get(host);
        metrics.sent(server, anySlow);
        SimRequest r = new SimRequest(now, cost, server);
        host.outstanding++;
        if (server.admit(r)) {
            startService(r);
        }
        if (timeoutNanos > 0) {
            schedule(now + timeoutNanos, Kind.TIMEOUT, r, null);
        }
    }

    private void startService(SimRequest r) {
        inService.get(r.server).add(r);
        schedule(now + r.server.serviceNanos(r), Kind.DONE, r, null);
    }

    private void done(SimRequest r) {
        SimServer server = r.server;
        if (r.generation != server.generation) {
            return; // the server died meanwhile; the request was failed then
        }
        inService.get(server).remove(r);
        if (r.state == SimRequest.State.PENDING) {
            r.state = SimRequest.State.ANSWERED;
            long latency = now - r.start;
            server.host.outstanding--;
            server.host.latency().observe(latency);
            metrics.answered(latency);
        }
        SimRequest next = server.finishOne();
        if (next != null) {
            startService(next);
        }
    }

    private void timeout(SimRequest r) {
        if (r.state != SimRequest.State.PENDING) {
            return;
        }
        r.state = SimRequest.State.TIMED_OUT;
        r.server.host.outstanding--;
        r.server.host.latency().observe(timeoutNanos); // what the proxy saw: no answer within the timeout
        metrics.timedOut(timeoutNanos);
    }

    private void apply(Scenario.EventSpec e) {
        SimServer server = e.server() == null ? null : byId.get(e.server());
        if (server == null && !e.action().equals("add") && !e.action().equals("request")) {
            throw new IllegalArgumentException("event " + e.action() + " at " + e.at() + ": no server " + e.server());
        }
        switch (e.action()) {
            case "slow" -> {
                server.pinnedNanos = e.latency() == null ? 0 : e.latency().toNanos();
                server.slowFactor = e.factor() == 0 ? 1 : e.factor();
            }
            case "die" -> die(server);
            case "recover" -> {
                server.restore();
                server.host.available = true;
                server.host.availableSince = now;
            }
            case "add" -> {
                List<String> keys = probeKeys();
                List<SimHost> before = balancerSpec.policy().isHashBased() ? owners(keys) : null;
                addServer(e.server(), Math.max(1, e.weight()), e.capacity() == 0 ? 1000 : e.capacity(),
                        e.speed() == 0 ? 1 : e.speed(), now);
                balancer = factory.create(hosts);
                if (before != null) {
                    metrics.keysMoved(before, owners(keys));
                }
            }
            case "request" -> dispatch(e.cost().toNanos(), workload.nextKey());
            default -> throw new IllegalStateException(e.action());
        }
    }

    private void die(SimServer server) {
        server.alive = false;
        server.host.available = false;
        server.generation++;
        List<SimRequest> lost = new ArrayList<>(inService.get(server));
        lost.addAll(server.queue);
        for (SimRequest r : lost) {
            if (r.state == SimRequest.State.PENDING) {
                r.state = SimRequest.State.FAILED;
                server.host.outstanding--;
                metrics.failed();
            }
        }
        inService.get(server).clear();
        server.queue.clear();
        server.busy = 0;
    }

    /** Every client address the workload can produce, for counting moved keys. */
    private List<String> probeKeys() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < scenario.clients().count(); i++) {
            keys.add(Workload.clientAddress(i));
        }
        return keys;
    }

    private List<SimHost> owners(List<String> keys) {
        List<SimHost> owners = new ArrayList<>(keys.size());
        for (String k : keys) {
            owners.add(balancer.pick(PickContext.ofHash(Hashing.hash64(k))));
        }
        return owners;
    }
}
