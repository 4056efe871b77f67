package dev.sluice.tck.model;

import dev.sluice.Limit;

/**
 * The state of one limit for one client, with the step that decides a request, as
 * {@code docs/algorithms.md} specifies it. Implementations are immutable values: a step returns
 * the next state, and every denial returns {@code this}, so rule 4 ("a denial changes nothing")
 * holds by construction.
 */
public sealed interface LimitModel permits FixedWindowModel, SlidingWindowLogModel,
    SlidingWindowCounterModel, TokenBucketModel, GcraModel {

  /**
   * Decides a request of {@code cost} permits at {@code t} (microseconds since the epoch).
   *
   * @param t the caller's timestamp, {@code >= 0}
   * @param cost the request's cost, {@code >= 1}
   */
  Step step(long t, long cost);

  /** The initial (absent) state of {@code limit}. */
  static LimitModel initial(Limit limit) {
    long n = limit.permits();
    long w = limit.windowMicros();
    return switch (limit.algorithm()) {
      case FIXED_WINDOW -> FixedWindowModel.initial(n, w);
      case SLIDING_WINDOW_LOG -> SlidingWindowLogModel.initial(n, w);
      case SLIDING_WINDOW_COUNTER -> SlidingWindowCounterModel.initial(n, w);
      case TOKEN_BUCKET -> TokenBucketModel.initial(n, w, limit.burst());
      case GCRA -> GcraModel.initial(n, w, limit.burst());
    };
  }
}
