package dev.sluice.internal;

import dev.sluice.Limit;

/**
 * Token bucket in exact units: one token is {@code w} units, the bucket gains {@code n} units per
 * microsecond, where {@code n / w} is {@code permits / window} in lowest terms. State
 * {@code [T, s]}: time of the last allowed request and units held; absent means full.
 */
final class TokenBucketMeter extends BucketMeter {
  private final long full;
  /** The longest elapsed time whose refill {@code elapsed * n} cannot overflow. */
  private final long maxElapsed;

  TokenBucketMeter(Limit limit) {
    super(limit);
    this.full = burst * w;
    this.maxElapsed = Long.MAX_VALUE / n;
  }

  @Override
  void init(long[] a, int off) {
    a[off] = ABSENT;
    a[off + 1] = full;
  }

  /** The bucket's capacity in units, {@code B * w}: the largest {@code s} a state holds. */
  long full() {
    return full;
  }

  private long units(long[] a, int off, long te) {
    return unitsAt(a[off], a[off + 1], te);
  }

  /**
   * Units held at effective time {@code te >= t} by the state {@code [t, s]}, refilled without
   * overflow and without a division (this is every admission's hot path): {@code elapsed >=
   * ceil((full - s) / n)} exactly when {@code elapsed * n >= full - s}, and an elapsed time above
   * {@link #maxElapsed} refills more than any bucket holds.
   */
  long unitsAt(long t, long s, long te) {
    if (s >= full) {
      return full;
    }
    long elapsed = te - t;
    if (elapsed > maxElapsed) {
      return full;
    }
    long refill = elapsed * n;
    return refill >= full - s ? full : s + refill;
  }

  @Override
  boolean admits(long[] a, int off, GrantLog log, long t, long c) {
    return units(a, off, Math.max(t, a[off])) >= c * w;
  }

  @Override
  void consume(long[] a, int off, GrantLog log, long t, long c) {
    long te = Math.max(t, a[off]);
    a[off + 1] = units(a, off, te) - c * w;
    a[off] = te;
  }

  @Override
  long remaining(long[] a, int off, GrantLog log, long t) {
    return units(a, off, Math.max(t, a[off])) / w;
  }

  @Override
  long resetAt(long[] a, int off, GrantLog log, long t) {
    long te = Math.max(t, a[off]);
    return te + Math.ceilDiv(full - units(a, off, te), n);
  }

  @Override
  long allowedAt(long[] a, int off, GrantLog log, long t, long c) {
    long te = Math.max(t, a[off]);
    return te + Math.ceilDiv(c * w - units(a, off, te), n);
  }

  @Override
  long idleAt(long[] a, int off, GrantLog log) {
    long s = a[off + 1];
    return s >= full ? ABSENT : a[off] + Math.ceilDiv(full - s, n);
  }
}
