package dev.sluice;

/**
 * The five rate-limiting algorithms a {@link Limit} can use. The exact arithmetic of each,
 * including rounding, what {@code remaining}, {@code resetAt} and {@code retryAfter} mean, is
 * specified in {@code docs/algorithms.md}; every backend implements that specification bit for
 * bit and the conformance suite ({@code sluice-tck}) checks it.
 */
public enum Algorithm {
  /** Counts permits in windows of fixed length aligned to the epoch ({@code [kW, (k+1)W)}). */
  FIXED_WINDOW,
  /** Exact: a request at {@code t} counts the permits granted in {@code (t - W, t]}. */
  SLIDING_WINDOW_LOG,
  /**
   * Approximate sliding window: the previous fixed window weighted by the share of it still
   * inside the sliding window, plus the current fixed window.
   */
  SLIDING_WINDOW_COUNTER,
  /** A bucket of {@code burst} tokens refilled at {@code permits} per window, in exact integers. */
  TOKEN_BUCKET,
  /**
   * Leaky bucket as a meter (the generic cell rate algorithm): one permit per emission interval
   * {@code W / permits}, with a burst tolerance of {@code burst - 1} emission intervals; no queue.
   */
  GCRA;

  /**
   * Parses a name as written in configuration: case-insensitive, with {@code -} or {@code _}
   * between words ({@code token-bucket}, {@code SLIDING_WINDOW_LOG}); {@code leaky-bucket} is
   * accepted as a synonym of {@link #GCRA}.
   *
   * @throws IllegalArgumentException naming the value when it is no algorithm
   */
  public static Algorithm parse(String name) {
    if (name == null) {
      throw new IllegalArgumentException("algorithm must not be null");
    }
    String n = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    if (n.equals("LEAKY_BUCKET")) {
      return GCRA;
    }
    for (Algorithm a : values()) {
      if (a.name().equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown algorithm '" + name + "': expected one of "
        + "fixed-window, sliding-window-log, sliding-window-counter, token-bucket, gcra");
  }
}
