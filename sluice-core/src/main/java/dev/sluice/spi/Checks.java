package dev.sluice.spi;

import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

  /**
   * Returns {@code checks} if it is a valid list for {@link RateLimiterEngine#checkAll}, apart
   * from the limiters' engine, which only the engine can tell.
   *
   * @throws IllegalArgumentException if it is null or empty, holds a null, holds more than
   *     {@link KeyedCheck#MAX_CHECKS} checks, or the same (rule, key) twice (the message names
   *     the rule id and the key)
   */
  public static List<KeyedCheck> keyedChecks(List<KeyedCheck> checks) {
    if (checks == null || checks.isEmpty()) {
      throw new IllegalArgumentException("a multi-key check needs at least one check");
    }
    if (checks.size() > KeyedCheck.MAX_CHECKS) {
      throw new IllegalArgumentException("a multi-key check of " + checks.size()
          + " checks exceeds " + KeyedCheck.MAX_CHECKS);
    }
    Set<List<Object>> seen = new HashSet<>();
    for (int i = 0; i < checks.size(); i++) {
      KeyedCheck c = checks.get(i);
      if (c == null) {
        throw new IllegalArgumentException("check " + i + " of a multi-key check is null");
      }
      if (!seen.add(List.of(c.limiter().rule(), c.key()))) {
        throw new IllegalArgumentException("rule '" + c.limiter().rule().id() + "' and key '"
            + c.key() + "' appear twice in one multi-key check");
      }
    }
    return checks;
  }
}
