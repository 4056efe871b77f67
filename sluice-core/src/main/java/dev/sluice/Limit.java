package dev.sluice;

import java.time.Duration;
import java.util.Objects;

/**
 * One limit: at most {@code permits} per {@code window}, decided by one {@link Algorithm}.
 *
 * <p>Units: {@code permits} and {@code burst} are counts of permits (a request of cost {@code c}
 * takes {@code c} permits); {@code window} is a whole number of microseconds.
 *
 * <p>{@code burst} only means something for {@link Algorithm#TOKEN_BUCKET} (the bucket
 * capacity; default {@code permits}) and {@link Algorithm#GCRA} (how many permits may pass back
 * to back; default 1, a perfectly smooth meter). For the three window algorithms it always equals
 * {@code permits}. A limit with {@code permits == 0} denies every request (a block rule).
 *
 * <p>Instances are immutable values; the constructor validates every field and throws
 * {@link IllegalArgumentException} naming the bad value, so an invalid limit never exists.
 *
 * @param algorithm how requests are counted
 * @param permits permits per window, {@code 0 <= permits <= MAX_PERMITS}
 * @param window the window, whole microseconds, {@code 1us <= window <= MAX_WINDOW}
 * @param burst token-bucket capacity or GCRA burst; equals {@code permits} for the other
 *     algorithms and is 0 when {@code permits} is 0
 */
public record Limit(Algorithm algorithm, long permits, Duration window, long burst) {

  /** Largest permit count: the largest integer a double holds exactly (2^53 - 1). */
  public static final long MAX_PERMITS = (1L << 53) - 1;
  /** Largest window: 2^48 microseconds, about 8.9 years. */
  public static final Duration MAX_WINDOW = Duration.ofNanos((1L << 48) * 1_000L);
  /** Largest timestamp in microseconds since the epoch (2^53 - 1, about the year 2255). */
  public static final long MAX_TIME = (1L << 53) - 1;

  /** Products of counts and microseconds that the exact arithmetic may form stay below this. */
  static final long MAX_PRODUCT = 1L << 61;

  /**
   * Validates and normalises the fields.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public Limit {
    if (algorithm == null) {
      throw new IllegalArgumentException("algorithm must not be null");
    }
    if (window == null) {
      throw new IllegalArgumentException("window must not be null");
    }
    if (permits < 0) {
      throw new IllegalArgumentException("permits " + permits + " must be >= 0");
    }
    if (permits > MAX_PERMITS) {
      throw new IllegalArgumentException("permits " + permits + " exceeds " + MAX_PERMITS);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window " + window + " must be positive");
    }
    if (window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("window " + window + " exceeds " + MAX_WINDOW);
    }
    if (window.getNano() % 1_000 != 0) {
      throw new IllegalArgumentException(
          "window " + window + " is not a whole number of microseconds");
    }
    long w = window.getSeconds() * 1_000_000L + window.getNano() / 1_000;
    switch (algorithm) {
      case TOKEN_BUCKET, GCRA -> {
        if (permits == 0) {
          burst = 0;
        } else if (burst < 1) {
          throw new IllegalArgumentException(
              "burst " + burst + " must be >= 1 for " + name(algorithm));
        } else if (burst > MAX_PERMITS) {
          throw new IllegalArgumentException("burst " + burst + " exceeds " + MAX_PERMITS);
        } else {
          long g = gcd(permits, w);
          long scaledWindow = w / g;
          if (!productBelowMax(burst, scaledWindow)) {
            throw new IllegalArgumentException("burst " + burst + " with " + permits + " per "
                + window + " needs exact integers beyond 2^61: lower the burst or use a rate "
                + "whose window divides more evenly by its permits");
          }
        }
      }
      default -> {
        if (burst != permits) {
          throw new IllegalArgumentException("burst " + burst + " applies only to token-bucket "
              + "and gcra, not to " + name(algorithm));
        }
        if (algorithm == Algorithm.SLIDING_WINDOW_COUNTER
            && !productBelowMax(permits, w)) {
          throw new IllegalArgumentException("permits " + permits + " times window " + w
              + "us exceeds 2^61, the range of the exact sliding-window-counter arithmetic");
        }
      }
    }
  }

  /** A limit of {@code permits} per {@code window} with the algorithm's default burst. */
  public static Limit of(Algorithm algorithm, long permits, Duration window) {
    Objects.requireNonNull(algorithm, "algorithm");
    long burst = switch (algorithm) {
      case TOKEN_BUCKET -> permits;
      case GCRA -> permits == 0 ? 0 : 1;
      default -> permits;
    };
    return new Limit(algorithm, permits, window, burst);
  }

  /** {@code permits} per epoch-aligned fixed window. */
  public static Limit fixedWindow(long permits, Duration window) {
    return of(Algorithm.FIXED_WINDOW, permits, window);
  }

  /** {@code permits} in any window {@code (t - W, t]}, exactly. */
  public static Limit slidingWindowLog(long permits, Duration window) {
    return of(Algorithm.SLIDING_WINDOW_LOG, permits, window);
  }

  /** {@code permits} per sliding window, approximated from two fixed windows. */
  public static Limit slidingWindowCounter(long permits, Duration window) {
    return of(Algorithm.SLIDING_WINDOW_COUNTER, permits, window);
  }

  /** A token bucket holding {@code permits} tokens, refilled at {@code permits} per window. */
  public static Limit tokenBucket(long permits, Duration window) {
    return of(Algorithm.TOKEN_BUCKET, permits, window);
  }

  /** A GCRA meter of {@code permits} per window with no burst (one permit per interval). */
  public static Limit gcra(long permits, Duration window) {
    return of(Algorithm.GCRA, permits, window);
  }

  /**
   * The same limit with another burst: the bucket capacity of a token bucket, or the number of
   * permits a GCRA meter lets pass back to back.
   *
   * @throws IllegalArgumentException if the algorithm takes no burst or the value is invalid
   */
  public Limit withBurst(long newBurst) {
    return new Limit(algorithm, permits, window, newBurst);
  }

  /**
   * {@code n} of {@code docs/algorithms.md}: the numerator of {@code permits / window} in lowest
   * terms (window in microseconds), at least 1. With {@link #rateDenominatorMicros()} it is the
   * exact rate the token bucket and GCRA arithmetic of every backend uses.
   */
  public long rateNumerator() {
    return Math.max(1, permits / Math.max(1, gcd(permits, windowMicros())));
  }

  /** {@code w} of {@code docs/algorithms.md}: the window's share of the reduced rate, in us. */
  public long rateDenominatorMicros() {
    return windowMicros() / Math.max(1, gcd(permits, windowMicros()));
  }

  /** The window in microseconds. */
  public long windowMicros() {
    return window.getSeconds() * 1_000_000L + window.getNano() / 1_000;
  }

  @Override
  public String toString() {
    String s = permits + "/" + window + " " + name(algorithm);
    return (algorithm == Algorithm.TOKEN_BUCKET || algorithm == Algorithm.GCRA)
        ? s + " burst " + burst : s;
  }

  private static String name(Algorithm a) {
    return a.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** Whether {@code a * b < MAX_PRODUCT} for non-negative operands, without overflowing. */
  private static boolean productBelowMax(long a, long b) {
    return b == 0 || a <= (MAX_PRODUCT - 1) / b;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
