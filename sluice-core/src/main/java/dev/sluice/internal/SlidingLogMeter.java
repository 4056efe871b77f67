package dev.sluice.internal;

import dev.sluice.Limit;

/** Sliding window log: exact; its state is a {@link GrantLog} and takes no row space. */
final class SlidingLogMeter extends Meter {

  SlidingLogMeter(Limit limit) {
    super(limit);
  }

  @Override
  int width() {
    return 0;
  }

  @Override
  void init(long[] a, int off) {}

  private static long effective(GrantLog log, long t) {
    return Math.max(t, log.newest());
  }

  @Override
  boolean admits(long[] a, int off, GrantLog log, long t, long c) {
    return log.countAfter(effective(log, t) - window) + c <= permits;
  }

  @Override
  void consume(long[] a, int off, GrantLog log, long t, long c) {
    long te = effective(log, t);
    log.dropUpTo(te - window);
    log.add(te, c);
  }

  @Override
  long remaining(long[] a, int off, GrantLog log, long t) {
    return permits - log.countAfter(effective(log, t) - window);
  }

  @Override
  long resetAt(long[] a, int off, GrantLog log, long t) {
    long te = effective(log, t);
    return log.countAfter(te - window) > 0 ? log.newest() + window : te;
  }

  @Override
  long allowedAt(long[] a, int off, GrantLog log, long t, long c) {
    long boundary = effective(log, t) - window;
    long need = log.countAfter(boundary) + c - permits;
    return log.timeReaching(boundary, need) + window;
  }

  @Override
  long idleAt(long[] a, int off, GrantLog log) {
    return log.isEmpty() ? ABSENT : log.newest() + window;
  }
}
