package io.weir.proxy.http;

import io.netty.handler.codec.http.HttpMethod;
import io.weir.cluster.RetryBudget;
import io.weir.config.RouteConfig;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether one request's failed try may be tried again, and how long to wait first. One per exchange, on
 * its event loop.
 *
 * <p>A failed connect sent nothing, so it is retried on another endpoint whatever the method, and without
 * touching the retry budget: a refused connect costs the upstreams nothing. Anything later (a reset, a
 * timeout, a status in {@code retry_on}) may have reached the application: it is retried only for an
 * idempotent method (or when the route opts in), only while no request body has been read (bodies stream,
 * they are not kept), within {@code attempts}, and only if the cluster's {@link RetryBudget} grants it.
 */
final class RetryRules {

    /** Why a try failed after its connection was made. */
    enum Failure { RESET, TIMEOUT, STATUS }

    private final RouteConfig.RetryPolicy policy;
    private final RetryBudget budget;
    private final boolean methodAllowed;
    private final int connectTries;
    private int retries;
    private boolean holdingBudget;
    private boolean budgetRefused;

    RetryRules(RouteConfig.RetryPolicy policy, RetryBudget budget, HttpMethod method, int endpoints) {
        this.policy = policy;
        this.budget = budget;
        this.methodAllowed = policy.retryNonIdempotent() || isIdempotent(method);
        // A failed connect is tried on up to three endpoints even without a retries block: it is free.
        this.connectTries = Math.max(policy.attempts(), Math.min(3, endpoints));
        budget.requestStarted();
    }

    static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
                || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
    }

    /** After {@code tries} tries, the last of which could not connect. */
    boolean retryConnect(int tries) {
        return policy.retryOn().connectFailure() && tries < connectTries;
    }

    /**
     * After {@code tries} tries, the last of which failed in {@code failure} (with {@code status} for
     * {@code STATUS}, 504 for {@code TIMEOUT}). Takes a budget slot when it says yes.
     */
    boolean retry(Failure failure, int status, int tries, boolean bodyRead) {
        boolean wanted = switch (failure) {
            case RESET -> policy.retryOn().reset();
            case TIMEOUT -> policy.retryOn().status(504);
            case STATUS -> policy.retryOn().status(status);
        };
        if (!wanted || !methodAllowed || bodyRead || tries >= policy.attempts()) {
            return false;
        }
        releaseBudget();
        if (!budget.tryRetry()) {
            budgetRefused = true;
            return false;
        }
        holdingBudget = true;
        retries++;
        return true;
    }

    /** Whether the last refusal was the budget's (for the log line). */
    boolean budgetRefused() {
        return budgetRefused;
    }

    /** Full jitter: uniform in [0, min(max, base × 2^(n-1))] for the n-th retry. */
    long backoffNanos() {
        long base = policy.backoff().base().toNanos();
        long max = policy.backoff().max().toNanos();
        int shift = Math.min(retries - 1, 30);
        long cap = base > (max >> shift) ? max : Math.min(max, base << shift);
        return cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1);
    }

    /** The request ended: give back what it holds. Called once. */
    void end() {
        releaseBudget();
        budget.requestEnded();
    }

    private void releaseBudget() {
        if (holdingBudget) {
            holdingBudget = false;
            budget.retryEnded();
        }
    }
}
