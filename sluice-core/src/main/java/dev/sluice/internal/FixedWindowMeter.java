package dev.sluice.internal;

import dev.sluice.Limit;

/** Fixed window: state {@code [S, k]}, the window start and the permits counted in it. */
final class FixedWindowMeter extends Meter {

  FixedWindowMeter(Limit limit) {
    super(limit);
  }

  @Override
  int width() {
    return 2;
  }

  @Override
  void init(long[] a, int off) {
    a[off] = ABSENT;
    a[off + 1] = 0;
  }

  private long start(long[] a, int off, long t) {
    long te = Math.max(t, a[off]);
    return te - Math.floorMod(te, window);
  }

  private long count(long[] a, int off, long start) {
    return start > a[off] ? 0 : a[off + 1];
  }

  @Override
  boolean admits(long[] a, int off, GrantLog log, long t, long c) {
    return count(a, off, start(a, off, t)) + c <= permits;
  }

  @Override
  void consume(long[] a, int off, GrantLog log, long t, long c) {
    long start = start(a, off, t);
    a[off + 1] = count(a, off, start) + c;
    a[off] = start;
  }

  @Override
  long remaining(long[] a, int off, GrantLog log, long t) {
    return permits - count(a, off, start(a, off, t));
  }

  @Override
  long resetAt(long[] a, int off, GrantLog log, long t) {
    long start = start(a, off, t);
    return count(a, off, start) > 0 ? start + window : Math.max(t, a[off]);
  }

  @Override
  long allowedAt(long[] a, int off, GrantLog log, long t, long c) {
    return start(a, off, t) + window;
  }

  @Override
  long idleAt(long[] a, int off, GrantLog log) {
    return a[off + 1] == 0 ? ABSENT : a[off] + window;
  }
}
