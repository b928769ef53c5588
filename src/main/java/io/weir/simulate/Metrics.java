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
    private int samples;
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
        answered++;
        sample(latencyNanos);
    }

    /**
     * A request the client gave up on counts in the percentiles at the timeout: that is what the client
     * waited. Leaving it out would make an algorithm that times out 5% of requests look as fast as one
     * that answers them all.
     */
    void timedOut(long waitedNanos) {
        timedOut++;
        sample(waitedNanos);
    }

    private void sample(long latencyNanos) {
        if (samples == latencies.length) {
            latencies = Arrays.copyOf(latencies, samples * 2);
        }
        latencies[samples++] = latencyNanos;
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
        long[] sorted = Arrays.copyOf(latencies, samples);
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
