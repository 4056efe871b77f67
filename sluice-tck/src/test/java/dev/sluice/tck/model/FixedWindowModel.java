package dev.sluice.tck.model;

import static dev.sluice.Decision.NEVER;

/**
 * Fixed window: {@code count} permits in the epoch-aligned window starting at {@code start}.
 *
 * @param permits N
 * @param window W in microseconds
 * @param present false for the absent (initial) state
 * @param start S, the start of the window the state belongs to (the reference time)
 * @param count k, the permits counted in that window
 */
public record FixedWindowModel(long permits, long window, boolean present, long start,
    long count) implements LimitModel {

  static FixedWindowModel initial(long permits, long window) {
    return new FixedWindowModel(permits, window, false, 0, 0);
  }

  @Override
  public Step step(long t, long cost) {
    if (permits == 0) {
      return Step.blocked(this);
    }
    long effective = present ? Math.max(t, start) : t;
    long windowStart = Math.floorDiv(effective, window) * window;
    long s = start;
    long k = count;
    if (!present || windowStart > s) {
      s = windowStart;
      k = 0;
    }
    if (cost <= permits - k) {
      k += cost;
      return Step.allowed(permits - k, s + window,
          new FixedWindowModel(permits, window, true, s, k));
    }
    long resetAt = k > 0 ? s + window : effective;
    long retryAfter = cost > permits ? NEVER : s + window - t;
    return Step.denied(permits - k, resetAt, retryAfter, this);
  }
}
