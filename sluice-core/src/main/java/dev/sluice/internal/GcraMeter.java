package dev.sluice.internal;

import dev.sluice.Limit;

/**
 * GCRA: the theoretical arrival time {@code TAT = q + r/n} is kept as state {@code [q, r]} with
 * {@code 0 <= r < n}, so the emission interval {@code w / n} microseconds is never rounded.
 * Absent: {@code q = ABSENT} (a TAT before every timestamp).
 */
final class GcraMeter extends BucketMeter {
  private final long tolerance;
  private final long maxWhole;

  GcraMeter(Limit limit) {
    super(limit);
    this.tolerance = burst * w;
    this.maxWhole = tolerance / n;
  }

  @Override
  void init(long[] a, int off) {
    a[off] = ABSENT;
    a[off + 1] = 0;
  }

  private static boolean after(long q, long r, long t) {
    return q > t || (q == t && r > 0);
  }

  /** {@code (TAT - t) * n} for {@code TAT >= t}, or -1 when it exceeds {@code B * w}. */
  private long scaledAhead(long q, long r, long t) {
    long whole = q - t;
    return whole > maxWhole ? -1 : whole * n + r;
  }

  @Override
  boolean admits(long[] a, int off, GrantLog log, long t, long c) {
    long q = a[off];
    long r = a[off + 1];
    long ahead = after(q, r, t) ? scaledAhead(q, r, t) : 0;
    return ahead >= 0 && ahead + c * w <= tolerance;
  }

  @Override
  void consume(long[] a, int off, GrantLog log, long t, long c) {
    long q = a[off];
    long r = a[off + 1];
    if (!after(q, r, t)) {
      q = t;
      r = 0;
    }
    long cw = c * w;
    q += cw / n;
    r += cw % n;
    if (r >= n) {
      r -= n;
      q++;
    }
    a[off] = q;
    a[off + 1] = r;
  }

  @Override
  long remaining(long[] a, int off, GrantLog log, long t) {
    long q = a[off];
    long r = a[off + 1];
    if (!after(q, r, t)) {
      return burst;
    }
    long ahead = scaledAhead(q, r, t);
    return ahead < 0 ? 0 : Math.max(0, Math.floorDiv(tolerance - ahead, w));
  }

  @Override
  long resetAt(long[] a, int off, GrantLog log, long t) {
    long q = a[off];
    long r = a[off + 1];
    return after(q, r, t) ? (r > 0 ? q + 1 : q) : t;
  }

  @Override
  long allowedAt(long[] a, int off, GrantLog log, long t, long c) {
    return a[off] + Math.ceilDiv(a[off + 1] - (burst - c) * w, n);
  }

  @Override
  long idleAt(long[] a, int off, GrantLog log) {
    long q = a[off];
    return q == ABSENT ? ABSENT : (a[off + 1] > 0 ? q + 1 : q);
  }
}
