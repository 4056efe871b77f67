package dev.sluice.synced;

import dev.sluice.spi.Checks;
import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.RateLimiter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A limiter that decides in this process (the synced and the leased engines'): the key and
 * timestamp forms of {@link RateLimiter} all come down to {@link #decide}.
 */
abstract class LocalRateLimiter implements RateLimiter {
  /** What {@link #decide} returns for a denial when no description was asked for. */
  static final Decision DENIED = new Decision(false, 0, 0, 0, 0, 0, false);

  @Override
  public Decision check(CharSequence key, long cost, long nowMicros) {
    return decide(Checks.key(key).toString(), cost, nowMicros, true);
  }

  @Override
  public Decision check(long key, long cost, long nowMicros) {
    return decide(Long.toString(key), cost, nowMicros, true);
  }

  @Override
  public boolean tryAcquire(CharSequence key, long cost, long nowMicros) {
    return decide(Checks.key(key).toString(), cost, nowMicros, false) == null;
  }

  @Override
  public boolean tryAcquire(long key, long cost, long nowMicros) {
    return decide(Long.toString(key), cost, nowMicros, false) == null;
  }

  /**
   * The order in which a multi-key check takes its states' monitors: by rule id, then client,
   * then the rule state's identity (equal ids of different rules), so that concurrent checks of
   * overlapping states never deadlock.
   *
   * @param ruleStates the engine's rule state of each check, by position
   */
  static Integer[] lockOrder(List<KeyedCheck> checks, Object[] ruleStates) {
    Integer[] order = new Integer[checks.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing((Integer i) -> checks.get(i).limiter().rule().id())
        .thenComparing(i -> checks.get(i).key())
        .thenComparingInt(i -> System.identityHashCode(ruleStates[i])));
    return order;
  }

  /**
   * Decides a request of {@code cost} by {@code client} at {@code now}; with {@code describe}
   * returns the decision, without it null when allowed and a non-null value when not.
   *
   * @throws IllegalArgumentException for an invalid cost or timestamp
   */
  abstract Decision decide(String client, long cost, long now, boolean describe);
}
