/**
 * State that several Weir nodes may share: {@link io.weir.state.StateStore}, with
 * {@link io.weir.state.InMemoryStateStore} as the single-node default and {@link io.weir.state.TokenBuckets}
 * as the bounded bucket table behind local rate limits. A Redis store (Lettuce) for sharing across nodes is
 * planned and not built yet.
 */
package io.weir.state;
