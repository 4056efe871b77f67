package dev.sluice.tck.model;

import dev.sluice.Decision;

/**
 * What one limit says about one request: the decision fields of docs/algorithms.md rule 5 and
 * the state to keep.
 *
 * @param allowed whether this limit admits the request
 * @param remaining permits still available just after the request (after consuming, if allowed)
 * @param resetAt when the limit is back to its initial state with no further requests, in
 *     microseconds since the epoch; {@link Decision#NEVER} for a limit of 0
 * @param retryAfter 0 when allowed; else microseconds from the caller's {@code t} until the same
 *     request would be allowed, or {@link Decision#NEVER}
 * @param next the state after the request; for a denial, the state before it, unchanged
 */
public record Step(boolean allowed, long remaining, long resetAt, long retryAfter,
    LimitModel next) {

  static Step allowed(long remaining, long resetAt, LimitModel next) {
    return new Step(true, remaining, resetAt, 0, next);
  }

  static Step denied(long remaining, long resetAt, long retryAfter, LimitModel unchanged) {
    return new Step(false, remaining, resetAt, retryAfter, unchanged);
  }

  /** Rule 2: a limit of 0 permits denies everything, forever. */
  static Step blocked(LimitModel unchanged) {
    return new Step(false, 0, Decision.NEVER, Decision.NEVER, unchanged);
  }
}
