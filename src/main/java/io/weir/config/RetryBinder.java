package io.weir.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;

/** Binds a route's {@code retries} block: attempts, per-try timeout, what is retried, backoff. */
final class RetryBinder {

    /** Statuses that may be listed in {@code retry_on}: retrying a success or a redirect makes no sense. */
    private static final int MIN_STATUS = 400;
    private static final int MAX_STATUS = 599;

    private final YamlReader reader;

    RetryBinder(YamlReader reader) {
        this.reader = reader;
    }

    RouteConfig.RetryPolicy bind(YamlMap m) {
        RouteConfig.RetryPolicy dflt = RouteConfig.RetryPolicy.NONE;
        int attempts = m.integer("attempts", 1, 100).orElse(dflt.attempts());
        Optional<Duration> perTryTimeout = m.duration("per_try_timeout");
        RetryOn retryOn = m.get("retry_on").map(this::retryOn).orElse(RetryOn.DEFAULT);
        boolean nonIdempotent = m.bool("retry_non_idempotent").orElse(dflt.retryNonIdempotent());
        RouteConfig.Backoff backoff = m.map("backoff", "backoff", RouteBinder.BACKOFF_KEYS).map(b -> {
            Duration base = b.duration("base", RouteConfig.Backoff.DEFAULT.base());
            Duration max = b.duration("max", base.compareTo(RouteConfig.Backoff.DEFAULT.max()) > 0
                    ? base : RouteConfig.Backoff.DEFAULT.max());
            if (max.compareTo(base) < 0) {
                b.problems().at(b.get("max").get(), "backoff: max (" + max.toMillis() + "ms) is shorter than base ("
                        + base.toMillis() + "ms)");
            }
            return new RouteConfig.Backoff(base, max);
        }).orElse(RouteConfig.Backoff.DEFAULT);
        return new RouteConfig.RetryPolicy(attempts, perTryTimeout, retryOn, nonIdempotent, backoff);
    }

    /** {@code [connect-failure, reset, 502, 503, 504, "5xx", 429]} */
    private RetryOn retryOn(Node node) {
        boolean connectFailure = false;
        boolean reset = false;
        Set<Integer> statuses = new HashSet<>();
        for (Node item : reader.list(node, "retry_on").orElse(List.of())) {
            Optional<String> text = reader.convert(item, "retry_on", RetryBinder::condition);
            if (text.isEmpty()) {
                continue;
            }
            switch (text.get()) {
                case "connect-failure" -> connectFailure = true;
                case "reset" -> reset = true;
                case "5xx" -> {
                    for (int s = 500; s <= 599; s++) {
                        statuses.add(s);
                    }
                }
                default -> statuses.add(Integer.parseInt(text.get()));
            }
        }
        return new RetryOn(connectFailure, reset, statuses);
    }

    private static String condition(String text) {
        String s = text.strip();
        if (s.equals("connect-failure") || s.equals("reset") || s.equals("5xx")) {
            return s;
        }
        if (s.matches("\\d{3}")) {
            int status = Integer.parseInt(s);
            if (status >= MIN_STATUS && status <= MAX_STATUS) {
                return s;
            }
        }
        throw new IllegalArgumentException("expected connect-failure, reset, 5xx or a status from " + MIN_STATUS
                + " to " + MAX_STATUS + "; got '" + text + "'");
    }
}
