package io.weir.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A match and one action: exactly one of {@code cluster}, {@code split}, {@code redirect},
 * {@code respond} is present.
 *
 * @param hostRewrite   Host header sent upstream instead of the downstream one
 * @param prefixRewrite replaces the matched {@code path_prefix} in the upstream request path
 * @param timeout       whole-request deadline: 504 if the upstream has not answered by then; empty = none
 * @param maxBody       largest request body accepted (413 beyond)
 * @param rateLimit     token bucket per key; over it → 429 with Retry-After, never forwarded
 * @param compression   gzip of responses the client accepts compressed; empty = responses pass as they are
 */
public record RouteConfig(String name, RouteMatch match, Optional<String> cluster, List<WeightedCluster> split,
                          Optional<Redirect> redirect, Optional<DirectResponse> respond,
                          HeaderMutation requestHeaders, HeaderMutation responseHeaders,
                          Optional<String> hostRewrite, Optional<String> prefixRewrite,
                          Optional<Duration> timeout, long maxBody, RetryPolicy retries,
                          Optional<RateLimitConfig> rateLimit, Optional<CompressionConfig> compression) {

    public static final long DEFAULT_MAX_BODY = 1L << 40;

    /** {@code split: [ { cluster: api, weight: 90 }, … ]} */
    public record WeightedCluster(String cluster, int weight) { }

    /** {@code redirect: { status: 301, scheme: https, host: …, port: …, path: …, prefix_rewrite: … }} */
    public record Redirect(int status, Optional<String> scheme, Optional<String> host, Optional<Integer> port,
                           Optional<String> path, Optional<String> prefixRewrite) {
        public static final int DEFAULT_STATUS = 302;
    }

    /** {@code respond: { status: 200, body: "…", content_type: text/plain }} */
    public record DirectResponse(int status, String body, String contentType) {
        public static final String DEFAULT_BODY = "";
        public static final String DEFAULT_CONTENT_TYPE = "text/plain";
    }

    /** {@code request_headers / response_headers: { set: {…}, add: {…}, remove: […] }} */
    public record HeaderMutation(List<Header> set, List<Header> add, List<String> remove) {
        public static final HeaderMutation NONE = new HeaderMutation(List.of(), List.of(), List.of());

        public boolean isEmpty() {
            return set.isEmpty() && add.isEmpty() && remove.isEmpty();
        }
    }

    public record Header(String name, String value) { }

    /**
     * {@code retries: { attempts: 3, per_try_timeout: 1s, retry_on: [...], retry_non_idempotent: false,
     * backoff: { base: 25ms, max: 250ms } }}.
     *
     * @param attempts           how many tries in all a request may take (1 = no retry)
     * @param perTryTimeout      how long one try may wait for the response head, from its start; then 504
     * @param retryOn            which failures are retried
     * @param retryNonIdempotent whether POST and PATCH may be retried too (they may have had an effect)
     * @param backoff            the wait before each retry, with full jitter
     */
    public record RetryPolicy(int attempts, Optional<Duration> perTryTimeout, RetryOn retryOn,
                              boolean retryNonIdempotent, Backoff backoff) {
        public static final RetryPolicy NONE = new RetryPolicy(1, Optional.empty(), RetryOn.DEFAULT, false,
                Backoff.DEFAULT);

        /** A policy of {@code attempts} tries with every other setting at its default. */
        public static RetryPolicy attempts(int attempts) {
            return new RetryPolicy(attempts, Optional.empty(), RetryOn.DEFAULT, false, Backoff.DEFAULT);
        }
    }

    /**
     * The wait before retry {@code n} (1-based) is uniformly random in {@code [0, min(max, base × 2^(n-1))]}
     * ("full jitter"): clients that failed together do not come back together.
     */
    public record Backoff(Duration base, Duration max) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(25), Duration.ofMillis(250));
    }
}
