package io.weir.simulate;

import java.util.SplittableRandom;

/**
 * The traffic: Poisson inter-arrival gaps, request costs and client keys, all from one seeded stream
 * drawn in arrival order, so every algorithm in a run faces exactly the same requests.
 */
final class Workload {

    static final String NAT_ADDRESS = "203.0.113.7";

    private final SplittableRandom random;
    private final double meanGapNanos;
    private final Scenario.CostSpec cost;
    private final Scenario.ClientSpec clients;

    Workload(Scenario scenario) {
        this.random = new SplittableRandom(scenario.seed());
        this.meanGapNanos = 1e9 / scenario.rate();
        this.cost = scenario.cost();
        this.clients = scenario.clients();
    }

    long nextGapNanos() {
        return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanGapNanos));
    }

    long nextCostNanos() {
        double mean = cost.mean().toNanos();
        double u = 1 - random.nextDouble(); // (0, 1]
        double c = switch (cost.distribution()) {
            case "fixed" -> mean;
            case "exponential" -> -Math.log(u) * mean;
            default -> mean * (cost.alpha() - 1) / cost.alpha() / Math.pow(u, 1 / cost.alpha()); // pareto
        };
        return Math.max(1, Math.round(c));
    }

    /** The client address of the next request: the NAT address, a hot key, or one of many clients. */
    String nextKey() {
        double u = random.nextDouble();
        if (u < clients.natShare()) {
            return NAT_ADDRESS;
        }
        if (u < clients.natShare() + clients.hotShare() && clients.hotKeys() > 0) {
            return "198.51.100." + random.nextInt(clients.hotKeys());
        }
        return clientAddress(random.nextInt(clients.count()));
    }

    static String clientAddress(int i) {
        return "10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF);
    }
}
