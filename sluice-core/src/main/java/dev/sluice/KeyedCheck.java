package dev.sluice;

import dev.sluice.spi.Checks;

/**
 * One part of a multi-key check ({@link RateLimiterEngine#checkAll}): a limiter of the engine, a
 * client key, a cost, and an optional affinity.
 *
 * <p>The affinity is a co-location hint. Engines that shard state (Redis Cluster, the sharded
 * ring) place the state of a check with an affinity next to every other state with the same
 * affinity (same slot, same shard), so that the checks of one request (its user, its org, its
 * endpoint) can be decided in one atomic step; engines that do not shard ignore it. On a sharded
 * backend the affinity is part of where a state lives: the state of a (rule, key) decided with
 * affinity {@code "org-7"} is not the state of the same (rule, key) decided with none or with
 * another affinity. Callers must therefore use one affinity consistently per (rule, key).
 *
 * @param limiter a limiter handed out by the engine the check is given to
 * @param key the client key, as {@link RateLimiter#check(CharSequence, long, long)} takes it
 * @param cost permits to consume, {@code >= 1}
 * @param affinity the co-location hint, or null for none
 */
public record KeyedCheck(RateLimiter limiter, String key, long cost, String affinity) {
  /** The most checks one multi-key check may hold. */
  public static final int MAX_CHECKS = 32;

  /**
   * Validates the parts.
   *
   * @throws IllegalArgumentException if the limiter or the key is null, or {@code cost < 1}
   */
  public KeyedCheck {
    if (limiter == null) {
      throw new IllegalArgumentException("limiter of a keyed check must not be null");
    }
    Checks.key(key);
    Checks.cost(cost);
  }

  /** A check without affinity. */
  public static KeyedCheck of(RateLimiter limiter, String key, long cost) {
    return new KeyedCheck(limiter, key, cost, null);
  }
}
