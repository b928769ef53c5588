package io.weir.simulate;

import java.util.List;
import java.util.Map;

/** The plain-text report of one scenario: a table per algorithm, then each server's share. */
public final class Report {

    private Report() {
    }

    public static String text(Scenario scenario, List<RunResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("scenario ").append(scenario.name()).append(": ").append(scenario.description()).append('\n');
        out.append(String.format("%-28s %9s %9s %9s %9s %9s %8s %8s%n",
                "algorithm", "p50 ms", "p99 ms", "p99.9 ms", "success", "max queue", "to slow", "moved"));
        for (RunResult r : results) {
            out.append(String.format("%-28s %9s %9s %9s %8.2f%% %9d %8s %8s%n", r.algorithm(),
                    Durations.ms(r.p50Nanos()), Durations.ms(r.p99Nanos()), Durations.ms(r.p999Nanos()),
                    100 * r.successRate(), r.maxQueue(), percent(r.shareToSlow()), percent(r.keysMoved())));
        }
        out.append("\nshare of requests per server (%)\n");
        out.append(String.format("%-28s", "algorithm"));
        Map<String, Long> first = results.get(0).sentPerServer();
        for (String id : first.keySet()) {
            out.append(String.format(" %6s", id));
        }
        out.append('\n');
        for (RunResult r : results) {
            out.append(String.format("%-28s", r.algorithm()));
            long total = r.sentPerServer().values().stream().mapToLong(Long::longValue).sum();
            for (long n : r.sentPerServer().values()) {
                out.append(String.format(" %6.1f", total == 0 ? 0 : 100.0 * n / total));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format("%.2f%%", 100 * share);
    }
}
