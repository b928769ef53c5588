package io.weir.simulate;

import java.util.Map;

/**
 * What one algorithm did in one scenario. Latency percentiles are over answered requests; a request
 * answered after the client's timeout counts as timed out, not answered.
 *
 * @param sentPerServer    requests sent to each server, in pool order
 * @param shareToSlow      of requests sent while some server was slowed, the share sent to a slowed one (NaN if none was)
 * @param keysMoved        hash policies: share of client keys that changed server when one was added (NaN otherwise)
 */
public record RunResult(String algorithm, long requests, long answered, long timedOut, long failed,
                        long p50Nanos, long p99Nanos, long p999Nanos, int maxQueue,
                        Map<String, Long> sentPerServer, double shareToSlow, double keysMoved) {

    public double successRate() {
        return requests == 0 ? 1 : (double) answered / requests;
    }
}
