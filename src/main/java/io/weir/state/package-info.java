/**
 * State that several Weir nodes may share: {@link io.weir.state.StateStore}, with
 * {@link io.weir.state.InMemoryStateStore} as the single-node default and {@link io.weir.state.TokenBuckets}
 * as the bounded bucket table behind local rate limits, and {@link io.weir.state.RedisStateStore} to share
 * state across nodes, falling back to local state while Redis is unreachable.
 */
package io.weir.state;
