package dev.sluice.bench;

import com.google.common.util.concurrent.RateLimiter;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;

/**
 * Builds the peer limiters the benchmarks compare Sluice with, each configured as close to a
 * Sluice token bucket of the same rate as the peer allows. Not thread-safe to build; the returned
 * limiters are thread-safe.
 */
final class Peers {
  private Peers() {}

  /**
   * A Bucket4j in-process bucket: greedy refill of {@code permits} per {@code window}, capacity
   * {@code burst}, with the lock-free (compare-and-swap) synchronization strategy and nanosecond
   * precision, so that it reads {@link System#nanoTime()} per call like Sluice's system time
   * source does.
   */
  static Bucket bucket4j(long permits, Duration window, long burst) {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(permits, window))
        .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
        .withNanosecondPrecision()
        .build();
  }

  /**
   * A Resilience4j {@link AtomicRateLimiter} (its default, lock-free implementation) that grants
   * {@code permits} per {@code window} and never waits (timeout 0). Resilience4j refreshes its
   * permits in whole cycles of {@code window}: it is a fixed-window limiter, not a bucket, which is
   * the closest it offers.
   */
  static AtomicRateLimiter resilience4j(int permits, Duration window) {
    RateLimiterConfig config = RateLimiterConfig.custom()
        .limitForPeriod(permits)
        .limitRefreshPeriod(window)
        .timeoutDuration(Duration.ZERO)
        .build();
    return new AtomicRateLimiter("bench", config);
  }

  /**
   * A Guava {@link RateLimiter} ({@code SmoothBursty}, a synchronized token bucket holding at most
   * one second of permits) of {@code permitsPerSecond}.
   */
  static RateLimiter guava(double permitsPerSecond) {
    return RateLimiter.create(permitsPerSecond);
  }
}
