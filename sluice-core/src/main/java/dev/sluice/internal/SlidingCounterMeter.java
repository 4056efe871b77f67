package dev.sluice.internal;

import dev.sluice.Limit;
import dev.sluice.spi.SlidingWindowCounter;

/**
 * Sliding window counter: state {@code [S, cur, prev]}. All comparisons are multiplied by the
 * window so nothing is divided before it is compared; {@link Limit} guarantees
 * {@code permits * window < 2^61}, so {@code 3 * permits * window} fits a {@code long}.
 */
final class SlidingCounterMeter extends Meter {

  SlidingCounterMeter(Limit limit) {
    super(limit);
  }

  @Override
  int width() {
    return 3;
  }

  @Override
  void init(long[] a, int off) {
    a[off] = ABSENT;
    a[off + 1] = 0;
    a[off + 2] = 0;
  }

  private long effective(long[] a, int off, long t) {
    return Math.max(t, a[off]);
  }

  private long start(long te) {
    return te - Math.floorMod(te, window);
  }

  private long cur(long[] a, int off, long start) {
    return start == a[off] ? a[off + 1] : 0;
  }

  private long prev(long[] a, int off, long start) {
    long s = a[off];
    if (start == s) {
      return a[off + 2];
    }
    return s != ABSENT && start == s + window ? a[off + 1] : 0;
  }

  @Override
  boolean admits(long[] a, int off, GrantLog log, long t, long c) {
    long te = effective(a, off, t);
    long start = start(te);
    long e = te - start;
    return prev(a, off, start) * (window - e) + (cur(a, off, start) + c) * window
        <= permits * window;
  }

  @Override
  void consume(long[] a, int off, GrantLog log, long t, long c) {
    long start = start(effective(a, off, t));
    long cur = cur(a, off, start);
    long prev = prev(a, off, start);
    a[off] = start;
    a[off + 1] = cur + c;
    a[off + 2] = prev;
  }

  @Override
  long remaining(long[] a, int off, GrantLog log, long t) {
    long te = effective(a, off, t);
    long start = start(te);
    long e = te - start;
    long free = permits * window - prev(a, off, start) * (window - e)
        - cur(a, off, start) * window;
    return Math.max(0, Math.floorDiv(free, window));
  }

  @Override
  long resetAt(long[] a, int off, GrantLog log, long t) {
    long te = effective(a, off, t);
    long start = start(te);
    if (cur(a, off, start) > 0) {
      return start + 2 * window;
    }
    return prev(a, off, start) > 0 ? start + window : te;
  }

  @Override
  long allowedAt(long[] a, int off, GrantLog log, long t, long c) {
    long te = effective(a, off, t);
    long start = start(te);
    long cur = cur(a, off, start);
    long prev = prev(a, off, start);
    return SlidingWindowCounter.allowedAt(start, window, permits, cur, prev, c);
  }

  @Override
  long idleAt(long[] a, int off, GrantLog log) {
    if (a[off + 1] > 0) {
      return a[off] + 2 * window;
    }
    return a[off + 2] > 0 ? a[off] + window : ABSENT;
  }
}
