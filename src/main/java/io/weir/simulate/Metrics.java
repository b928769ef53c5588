package io.weir.simulate;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts one simulation run as it goes and turns them into a {@link RunResult}. */
final class Metrics {

    private long[] latencies = new long[1 << 16];
    private int answered;
    private long timedOut;
    private long failed;
    private long sentWhileSlow;
    private long sentToSlow;
    private final Map<SimServer, Long> sent = new LinkedHashMap<>();
    private double keysMoved = Double.NaN;

    void sent(SimServer server, boolean anySlow) {
        sent.merge(server, 1L, Long::sum);
        if (anySlow) {
            sentWhileSlow++;
            sentToSlow += server.isSlow() ? 1 : 0;
        }
    }

    void answered(long latencyNanos) {
        if (answered == latencies.length) {
            latencies = Arrays.copyOf(latencies, answered * 2);
        }
        latencies[answered++] = latencyNanos;
    }

    void timedOut() {
        timedOut++;
    }

    void failed() {
        failed++;
    }

    void noHost() {
        failed++;
    }

    void keysMoved(List<SimHost> before, List<SimHost> after) {
        int moved = 0;
        for (int i = 0; i < before.size(); i++) {
            moved += before.get(i) == after.get(i) ? 0 : 1;
        }
        keysMoved = before.isEmpty() ? 0 : (double) moved / before.size();
    }

    RunResult result(String algorithm, Collection<SimServer> servers) {
        long[] sorted = Arrays.copyOf(latencies, answered);
        Arrays.sort(sorted);
        Map<String, Long> shares = new LinkedHashMap<>();
        int maxQueue = 0;
        for (SimServer s : servers) {
            shares.put(s.id, sent.getOrDefault(s, 0L));
            maxQueue = Math.max(maxQueue, s.maxQueue);
        }
        long total = answered + timedOut + failed;
        return new RunResult(algorithm, total, answered, timedOut, failed,
                percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 0.999),
                maxQueue, shares, sentWhileSlow == 0 ? Double.NaN : (double) sentToSlow / sentWhileSlow, keysMoved);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
