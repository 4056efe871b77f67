package dev.sluice;

import java.time.Duration;

/**
 * The plain form from the design notes: at most {@code N} requests per {@code T} for each user,
 * asked as {@code allowRequest(userId, timestamp)} with timestamps in whole seconds.
 *
 * <p>By default it is exact: a request at {@code t} is allowed when fewer than {@code N} requests
 * were allowed in {@code (t - T, t]} (the sliding window log), so a request at exactly
 * {@code t + T} no longer sees those of {@code t}. Requests at the same second share one log
 * entry, so {@code N = 1,000,000} requests in a second cost 16 bytes, not a million. Any other
 * {@link Algorithm} can be chosen. A timestamp earlier than the user's last allowed one is
 * evaluated at that last one (see {@code docs/algorithms.md}); it never corrupts the state.
 *
 * <p>Thread-safe. Backed by an {@link InMemoryEngine}.
 */
public final class PerUserRateLimiter {
  private static final long MAX_SECONDS = Limit.MAX_TIME / 1_000_000L;
  private final RateLimiter limiter;

  private PerUserRateLimiter(Limit limit) {
    this.limiter = InMemoryEngine.create().limiter(Rule.of("per-user", limit));
  }

  /**
   * Exactly {@code n} requests per {@code t} per user (sliding window log).
   *
   * @throws IllegalArgumentException naming {@code n} if negative, or {@code t} if not positive
   */
  public static PerUserRateLimiter of(long n, Duration t) {
    return of(n, t, Algorithm.SLIDING_WINDOW_LOG);
  }

  /** {@code n} requests per {@code t} per user, decided by {@code algorithm}. */
  public static PerUserRateLimiter of(long n, Duration t, Algorithm algorithm) {
    return new PerUserRateLimiter(Limit.of(algorithm, n, t));
  }

  /**
   * Whether {@code userId} may make a request at {@code timestampSeconds}; if so it is counted.
   *
   * @throws IllegalArgumentException if the user id is null or the timestamp is negative or
   *     beyond the year 2255
   */
  public boolean allowRequest(String userId, long timestampSeconds) {
    if (timestampSeconds < 0 || timestampSeconds > MAX_SECONDS) {
      throw new IllegalArgumentException("timestamp " + timestampSeconds
          + "s is outside [0, " + MAX_SECONDS + "] seconds");
    }
    return limiter.tryAcquire(userId, 1, timestampSeconds * 1_000_000L);
  }
}
