package dev.sluice.internal;

import dev.sluice.Limit;

/**
 * The arithmetic of one limit over its state, which lives at {@code a[off ..off + width())} of
 * a table row (and, for the sliding log, in a {@link GrantLog}).
 *
 * <p>Each method implements one formula of {@code docs/algorithms.md}, on integers only. The
 * pure methods ({@code admits}, {@code remaining}, {@code resetAt}, {@code allowedAt}) evaluate a
 * working copy of the state at the effective time and never write; only {@link #consume} writes.
 * Callers handle the block rule ({@code permits == 0}) and costs above {@link #capacity()} before
 * calling the others. Meters are immutable and thread-safe; the state they read is guarded by the
 * caller's lock.
 */
abstract sealed class Meter
    permits FixedWindowMeter, SlidingLogMeter, SlidingCounterMeter, BucketMeter {

  /** The value a reference time holds in an absent state: before every timestamp. */
  static final long ABSENT = Long.MIN_VALUE;

  final long permits;
  final long window;

  Meter(Limit limit) {
    this.permits = limit.permits();
    this.window = limit.windowMicros();
  }

  static Meter of(Limit limit) {
    return switch (limit.algorithm()) {
      case FIXED_WINDOW -> new FixedWindowMeter(limit);
      case SLIDING_WINDOW_LOG -> new SlidingLogMeter(limit);
      case SLIDING_WINDOW_COUNTER -> new SlidingCounterMeter(limit);
      case TOKEN_BUCKET -> new TokenBucketMeter(limit);
      case GCRA -> new GcraMeter(limit);
    };
  }

  /** How many {@code long}s of a row this meter's state takes. */
  abstract int width();

  /** The largest cost that can ever be admitted: {@code N}, or {@code B} for the buckets. */
  long capacity() {
    return permits;
  }

  /** Writes the absent (initial) state. */
  abstract void init(long[] a, int off);

  /** Whether a request of cost {@code c} at time {@code t} is admitted; writes nothing. */
  abstract boolean admits(long[] a, int off, GrantLog log, long t, long c);

  /** Consumes {@code c} at time {@code t}; only called after {@link #admits} said yes. */
  abstract void consume(long[] a, int off, GrantLog log, long t, long c);

  /** Permits available at {@code t}, after whatever has been consumed. */
  abstract long remaining(long[] a, int off, GrantLog log, long t);

  /** When, with no further requests, the state is initial again. */
  abstract long resetAt(long[] a, int off, GrantLog log, long t);

  /** The earliest time a denied request of cost {@code c <= capacity()} would be admitted. */
  abstract long allowedAt(long[] a, int off, GrantLog log, long t, long c);

  /**
   * From when on the stored state behaves as the absent one, for eviction; {@link #ABSENT} if it
   * already is.
   */
  abstract long idleAt(long[] a, int off, GrantLog log);
}
