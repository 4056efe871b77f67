package dev.sluice.internal;

import dev.sluice.Limit;

/**
 * What the token bucket and the GCRA meter share: the rate {@code permits / window} in lowest
 * terms {@code n / w} (so it is never rounded), a burst that caps the cost, and two longs of state.
 */
abstract sealed class BucketMeter extends Meter permits TokenBucketMeter, GcraMeter {
  /** Units gained per microsecond: the rate's numerator in lowest terms (at least 1). */
  final long n;
  /** Units per permit: the rate's denominator in lowest terms, in microseconds. */
  final long w;
  /** The bucket capacity, or how many permits a GCRA meter lets pass back to back. */
  final long burst;

  BucketMeter(Limit limit) {
    super(limit);
    this.n = limit.rateNumerator();
    this.w = limit.rateDenominatorMicros();
    this.burst = limit.burst();
  }

  @Override
  final long capacity() {
    return burst;
  }

  @Override
  final int width() {
    return 2;
  }
}
