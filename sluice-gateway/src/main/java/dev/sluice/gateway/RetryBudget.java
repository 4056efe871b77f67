package dev.sluice.gateway;

import java.util.function.LongSupplier;

/**
 * Bounds retries to {@code minRetries + ratio × requests} over a sliding 10 s (two 5 s buckets,
 * the older weighted by how much of it is still inside the window), so a failing upstream sees
 * at most a fraction more load, never a retry storm.
 *
 * <p>Thread-safe.
 */
final class RetryBudget {
  private static final long BUCKET_NANOS = 5_000_000_000L;

  private final double ratio;
  private final int minRetries;
  private final LongSupplier clock;
  private long bucketStart;
  private long requests;
  private long retries;
  private long prevRequests;
  private long prevRetries;

  RetryBudget(double ratio, int minRetries, LongSupplier clock) {
    this.ratio = ratio;
    this.minRetries = minRetries;
    this.clock = clock;
    this.bucketStart = clock.getAsLong();
  }

  /** Counts a request (first attempt). */
  synchronized void request() {
    roll();
    requests++;
  }

  /** Takes a retry from the budget if one is left. */
  synchronized boolean tryRetry() {
    long now = roll();
    double prevWeight = 1.0 - (double) (now - bucketStart) / BUCKET_NANOS;
    double req = requests + prevRequests * prevWeight;
    double ret = retries + prevRetries * prevWeight;
    if (ret + 1 > minRetries + ratio * req) {
      return false;
    }
    retries++;
    return true;
  }

  private long roll() {
    long now = clock.getAsLong();
    long elapsed = now - bucketStart;
    if (elapsed >= 2 * BUCKET_NANOS) {
      prevRequests = prevRetries = requests = retries = 0;
      bucketStart = now;
    } else if (elapsed >= BUCKET_NANOS) {
      prevRequests = requests;
      prevRetries = retries;
      requests = retries = 0;
      bucketStart += BUCKET_NANOS;
    }
    return now;
  }
}
