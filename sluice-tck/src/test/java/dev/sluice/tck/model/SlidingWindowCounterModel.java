package dev.sluice.tck.model;

import static dev.sluice.Decision.NEVER;
import static java.lang.Math.addExact;
import static java.lang.Math.multiplyExact;

/**
 * Sliding window counter: the current fixed window and the one before it, weighted.
 *
 * @param permits N
 * @param window W in microseconds
 * @param present false for the absent (initial) state
 * @param start S, the start of the current fixed window (the reference time)
 * @param prev permits counted in the window {@code [S - W, S)}
 * @param cur permits counted in the window {@code [S, S + W)}
 */
public record SlidingWindowCounterModel(long permits, long window, boolean present, long start,
    long prev, long cur) implements LimitModel {

  static SlidingWindowCounterModel initial(long permits, long window) {
    return new SlidingWindowCounterModel(permits, window, false, 0, 0, 0);
  }

  @Override
  public Step step(long t, long cost) {
    if (permits == 0) {
      return Step.blocked(this);
    }
    final long w = window;
    final long n = permits;
    long effective = present ? Math.max(t, start) : t;
    long windowStart = Math.floorDiv(effective, w) * w;
    long s = start;
    long p = prev;
    long c = cur;
    if (!present || windowStart > s + w) {
      s = windowStart;
      p = 0;
      c = 0;
    } else if (windowStart == s + w) {
      s = windowStart;
      p = c;
      c = 0;
    }
    long e = effective - s;
    long weightedPrev = multiplyExact(p, w - e);
    if (cost <= n && addExact(weightedPrev, multiplyExact(c + cost, w)) <= multiplyExact(n, w)) {
      c += cost;
      return Step.allowed(remaining(weightedPrev, c), resetAt(s, p, c, effective),
          new SlidingWindowCounterModel(n, w, true, s, p, c));
    }
    long remaining = remaining(weightedPrev, c);
    long resetAt = resetAt(s, p, c, effective);
    if (cost > n) {
      return Step.denied(remaining, resetAt, NEVER, this);
    }
    long a = n - c - cost;
    if (a >= 0) {
      // Denied although cur + cost fits: prev > 0, and its weight shrinks as e grows.
      long eStar = w - Math.floorDiv(multiplyExact(a, w), p);
      if (eStar < w) {
        return Step.denied(remaining, resetAt, s + eStar - t, this);
      }
    }
    // The next window, where prev becomes cur and cur becomes 0.
    long allowedAt = c == 0 ? s + w
        : s + w + Math.max(0, w - Math.floorDiv(multiplyExact(n - cost, w), c));
    return Step.denied(remaining, resetAt, allowedAt - t, this);
  }

  private long remaining(long weightedPrev, long c) {
    long free = multiplyExact(permits, window) - weightedPrev - multiplyExact(c, window);
    return Math.max(0, Math.floorDiv(free, window));
  }

  private long resetAt(long s, long p, long c, long effective) {
    if (c > 0) {
      return s + 2 * window;
    }
    return p > 0 ? s + window : effective;
  }
}
