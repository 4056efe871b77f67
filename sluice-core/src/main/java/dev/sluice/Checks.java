package dev.sluice;

/**
 * The argument checks every {@link RateLimiter} applies before deciding, so that all backends
 * reject the same inputs with the same messages (each names the bad value). A backend module
 * calls these rather than writing its own.
 */
public final class Checks {
  private Checks() {}

  /**
   * Returns {@code micros} if it is a valid timestamp.
   *
   * @throws IllegalArgumentException if it is negative or beyond {@link Limit#MAX_TIME}
   */
  public static long timestamp(long micros) {
    if (micros < 0 || micros > Limit.MAX_TIME) {
      throw new IllegalArgumentException("timestamp " + micros
          + "us is outside [0, " + Limit.MAX_TIME + "] microseconds since the epoch");
    }
    return micros;
  }

  /**
   * Returns {@code cost} if it is a valid request cost.
   *
   * @throws IllegalArgumentException if it is below 1
   */
  public static long cost(long cost) {
    if (cost < 1) {
      throw new IllegalArgumentException("cost " + cost + " must be >= 1");
    }
    return cost;
  }

  /**
   * Returns {@code key} if it is a valid client key.
   *
   * @throws IllegalArgumentException if it is null
   */
  public static <T extends CharSequence> T key(T key) {
    if (key == null) {
      throw new IllegalArgumentException("client key must not be null");
    }
    return key;
  }
}
