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
 */
public record RouteConfig(String name, RouteMatch match, Optional<String> cluster, List<WeightedCluster> split,
                          Optional<Redirect> redirect, Optional<DirectResponse> respond,
                          HeaderMutation requestHeaders, HeaderMutation responseHeaders,
                          Optional<String> hostRewrite, Optional<String> prefixRewrite,
                          Optional<Duration> timeout, long maxBody, RetryPolicy retries) {

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

    /** {@code retries: { attempts: 2 }}: how many tries in all a request may take. */
    public record RetryPolicy(int attempts) {
        public static final RetryPolicy NONE = new RetryPolicy(1);
    }
}
