package io.weir.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The keys of retries, the retry budget, draining and shutdown: what they bind to and how they are refused. */
class ResilienceConfigTest {

    @Test
    void retriesBindEveryKey() throws ConfigException {
        WeirConfig config = Yaml.load(Yaml.minimal("        retries: { attempts: 3, per_try_timeout: 1s, "
                + "retry_on: [connect-failure, 503, \"5xx\", 429], retry_non_idempotent: true, "
                + "backoff: { base: 10ms, max: 1s } }"));
        RouteConfig.RetryPolicy retries = config.listeners().get(0).routes().get(0).retries();
        assertThat(retries.attempts()).isEqualTo(3);
        assertThat(retries.perTryTimeout()).contains(Duration.ofSeconds(1));
        assertThat(retries.retryOn().connectFailure()).isTrue();
        assertThat(retries.retryOn().reset()).isFalse();
        assertThat(retries.retryOn().statuses()).hasSize(101).contains(429, 500, 599);
        assertThat(retries.retryNonIdempotent()).isTrue();
        assertThat(retries.backoff()).isEqualTo(new RouteConfig.Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)));
    }

    @Test
    void retriesDefaults() throws ConfigException {
        WeirConfig config = Yaml.load(Yaml.minimal("        retries: { attempts: 2 }"));
        RouteConfig.RetryPolicy retries = config.listeners().get(0).routes().get(0).retries();
        assertThat(retries).isEqualTo(new RouteConfig.RetryPolicy(2, Optional.empty(),
                new RetryOn(true, true, Set.of(502, 503, 504)), false, RouteConfig.Backoff.DEFAULT));
    }

    @Test
    void badRetryKeysAreNamedWithTheirPosition() {
        assertThat(Yaml.errors(Yaml.minimal("        retries: { attempts: 0, retry_on: [200, oops], "
                + "backoff: { base: 1s, max: 10ms }, tries: 2 }"))).containsExactly(
                "weir.yaml:6:30: attempts: expected an integer from 1 to 100; got '0'",
                "weir.yaml:6:44: retry_on: expected connect-failure, reset, 5xx or a status from 400 to 599; got '200'",
                "weir.yaml:6:49: retry_on: expected connect-failure, reset, 5xx or a status from 400 to 599; got 'oops'",
                "weir.yaml:6:82: backoff: max (10ms) is shorter than base (1000ms)",
                "weir.yaml:6:90: unknown key 'tries' in retries; expected one of: attempts, per_try_timeout, "
                        + "retry_on, retry_non_idempotent, backoff");
    }

    @Test
    void clusterBudgetDrainAndShutdownTimeouts() throws ConfigException {
        WeirConfig config = Yaml.load(String.join("\n",
                "shutdown_timeout: 10s",
                "listeners: [ { name: web, listen: 127.0.0.1:8080, routes: [ { cluster: api } ] } ]",
                "clusters:",
                "  - name: api",
                "    retry_budget: { percent: 50, min_per_second: 10 }",
                "    drain_timeout: 5s",
                "    endpoints: [ 127.0.0.1:9001 ]",
                "  - name: plain",
                "    endpoints: [ 127.0.0.1:9002 ]"));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.cluster("api").get().retryBudget()).isEqualTo(new ClusterConfig.RetryBudget(50, 10));
        assertThat(config.cluster("api").get().drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.cluster("plain").get().retryBudget()).isEqualTo(ClusterConfig.RetryBudget.DEFAULT);
        assertThat(config.cluster("plain").get().drainTimeout()).isEqualTo(ClusterConfig.DEFAULT_DRAIN_TIMEOUT);
    }

    @Test
    void shutdownTimeoutDefaults() throws ConfigException {
        assertThat(Yaml.load(Yaml.minimal("")).shutdownTimeout()).isEqualTo(WeirConfig.DEFAULT_SHUTDOWN_TIMEOUT);
    }

    @Test
    void badBudgetIsRefused() {
        assertThat(Yaml.errors(String.join("\n",
                "listeners: [ { name: web, listen: 127.0.0.1:8080, routes: [ { cluster: api } ] } ]",
                "clusters:",
                "  - name: api",
                "    retry_budget: { percent: 150 }",
                "    endpoints: [ 127.0.0.1:9001 ]"))).containsExactly(
                "weir.yaml:4:30: percent: expected an integer from 0 to 100; got '150'");
    }
}
