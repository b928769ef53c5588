package io.weir.simulate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One simulated experiment, as read from a scenario file: the servers, the traffic, what happens
 * during the run, and the algorithms to compare on identical traffic. Missing fields take the
 * defaults below.
 *
 * @param name        short name, used by {@code weir simulate --scenario NAME} for the built-ins
 * @param description one line for the report
 * @param seed        drives arrivals, costs, keys and the balancers: same seed, same output
 * @param duration    simulated time
 * @param rate        mean arrivals per second (Poisson)
 * @param timeout     the client's timeout; zero = none
 * @param servers     the initial pool
 * @param cost        how long a request takes on a server of speed 1
 * @param clients     where requests come from (the hash key)
 * @param events      what happens during the run, in any order
 * @param algorithms  what to compare; empty = every policy
 */
public record Scenario(String name, String description, long seed, Duration duration, double rate,
                       Duration timeout, List<ServerSpec> servers, CostSpec cost, ClientSpec clients,
                       List<EventSpec> events, List<AlgorithmSpec> algorithms) {

    public Scenario {
        name = Objects.requireNonNullElse(name, "unnamed");
        description = Objects.requireNonNullElse(description, "");
        duration = Objects.requireNonNullElse(duration, Duration.ofSeconds(10));
        timeout = Objects.requireNonNullElse(timeout, Duration.ZERO);
        servers = List.copyOf(Objects.requireNonNullElse(servers, List.of()));
        cost = Objects.requireNonNullElse(cost, CostSpec.DEFAULT);
        clients = Objects.requireNonNullElse(clients, ClientSpec.DEFAULT);
        events = List.copyOf(Objects.requireNonNullElse(events, List.of()));
        algorithms = algorithms == null || algorithms.isEmpty() ? AlgorithmSpec.everyPolicy() : List.copyOf(algorithms);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("scenario " + name + ": no servers");
        }
        if (!(rate > 0)) {
            throw new IllegalArgumentException("scenario " + name + ": rate must be positive");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("scenario " + name + ": duration must be positive");
        }
        checkServerNames(name, servers, events);
    }

    /** Events name servers that exist (or, for add, that do not yet), so a typo fails at load, not mid-run. */
    private static void checkServerNames(String name, List<ServerSpec> servers, List<EventSpec> events) {
        Set<String> ids = new HashSet<>();
        for (ServerSpec s : servers) {
            for (int i = 1; i <= s.count(); i++) {
                String id = s.count() == 1 ? s.id() : s.id() + i;
                if (!ids.add(id)) {
                    throw new IllegalArgumentException("scenario " + name + ": server " + id + " defined twice");
                }
            }
        }
        List<EventSpec> byTime = new ArrayList<>(events);
        byTime.sort(Comparator.comparing(EventSpec::at));
        for (EventSpec e : byTime) {
            switch (e.action()) {
                case "request" -> { }
                case "add" -> {
                    if (e.server() == null || !ids.add(e.server())) {
                        throw new IllegalArgumentException("scenario " + name + ": add at " + e.at()
                                + " needs a new server name, got " + e.server());
                    }
                }
                default -> {
                    if (!ids.contains(e.server())) {
                        throw new IllegalArgumentException("scenario " + name + ": " + e.action() + " at " + e.at()
                                + " names no server: " + e.server() + " (servers: " + new TreeSet<>(ids) + ")");
                    }
                }
            }
        }
    }

    /**
     * Servers; {@code count} > 1 makes {@code id1 … idN}.
     *
     * @param capacity requests served at once; more wait in a FIFO queue
     * @param speed    service time is cost / speed
     */
    public record ServerSpec(String id, int weight, int capacity, double speed, int count) {
        public ServerSpec {
            Objects.requireNonNull(id, "server id");
            weight = weight == 0 ? 1 : weight;
            capacity = capacity == 0 ? 1000 : capacity;
            speed = speed == 0 ? 1 : speed;
            count = count == 0 ? 1 : count;
        }
    }

    /**
     * Request cost on a server of speed 1.
     *
     * @param distribution fixed | exponential | pareto
     * @param alpha        pareto shape (heavier tail as it nears 1); default 1.5
     */
    public record CostSpec(String distribution, Duration mean, double alpha) {
        static final CostSpec DEFAULT = new CostSpec("exponential", Duration.ofMillis(10), 0);

        public CostSpec {
            distribution = Objects.requireNonNullElse(distribution, "exponential");
            mean = Objects.requireNonNullElse(mean, Duration.ofMillis(10));
            alpha = alpha == 0 ? 1.5 : alpha;
            if (!List.of("fixed", "exponential", "pareto").contains(distribution)) {
                throw new IllegalArgumentException("cost distribution must be fixed, exponential or pareto: " + distribution);
            }
            if (distribution.equals("pareto") && !(alpha > 1)) {
                throw new IllegalArgumentException("pareto alpha must exceed 1 for a finite mean: " + alpha);
            }
        }
    }

    /**
     * Request sources; each request's hash key is its client's address.
     *
     * @param count    distinct client addresses
     * @param natShare share of requests from one address (a NAT gateway, an office)
     * @param hotKeys  a few keys that draw {@code hotShare} of the requests between them
     */
    public record ClientSpec(int count, double natShare, int hotKeys, double hotShare) {
        static final ClientSpec DEFAULT = new ClientSpec(10_000, 0, 0, 0);

        public ClientSpec {
            count = count == 0 ? 10_000 : count;
            if (natShare < 0 || hotShare < 0 || natShare + hotShare > 1) {
                throw new IllegalArgumentException("client shares must be in [0, 1] and sum to at most 1");
            }
        }
    }

    /**
     * Something that happens at {@code at}: {@code slow} (server's requests take {@code latency}, or
     * are {@code factor} times slower), {@code die}, {@code recover} (back to normal and available),
     * {@code add} (a new server {@code server} with weight, capacity, speed), {@code request} (one
     * extra request costing {@code cost}).
     */
    public record EventSpec(Duration at, String action, String server, Duration latency, double factor,
                            int weight, int capacity, double speed, Duration cost) {
        public EventSpec {
            Objects.requireNonNull(at, "event at");
            Objects.requireNonNull(action, "event action");
            if (!List.of("slow", "die", "recover", "add", "request").contains(action)) {
                throw new IllegalArgumentException("event action must be slow, die, recover, add or request: " + action);
            }
        }
    }
}
