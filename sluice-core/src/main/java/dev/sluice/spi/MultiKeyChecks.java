package dev.sluice.spi;

import dev.sluice.KeyedCheck;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiterEngine;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Helpers for engines that decide a multi-key check ({@link RateLimiterEngine#checkAll}) in the
 * calling thread, all or nothing, under one monitor per (rule, client) state: the order in which
 * the monitors are taken, taking them, and the asynchronous form of an inline decision.
 *
 * <p>Every check takes its monitors in one global order, so that concurrent multi-key checks of
 * overlapping states never deadlock. Stateless; thread-safe.
 */
public final class MultiKeyChecks {
  private MultiKeyChecks() {}

  /**
   * The order in which a multi-key check takes its states' monitors: by rule id, then client key,
   * then the identity of the engine's state of the rule (equal ids of different rules).
   *
   * @param checks the checks, already validated by {@link Checks#keyedChecks(List)}
   * @param ruleStates the engine's state of each check's rule, by position
   * @return the positions of {@code checks} in locking order
   */
  public static Integer[] lockOrder(List<KeyedCheck> checks, Object[] ruleStates) {
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
   * Takes the monitor of every state in {@code order} and runs {@code decide} holding them all,
   * unless a state turns out no longer live once its monitor is held (an engine dropped it while
   * the caller resolved it): then it releases them and returns false, and the caller resolves the
   * states again.
   *
   * @param states the states of the checks, by position; each is the monitor of its own state
   * @param order the positions in locking order, as {@link #lockOrder} gives them
   * @param live whether a state, its monitor held, is still the engine's
   * @return what {@code decide} returned, or false when a state was no longer live
   */
  public static <S> boolean holdingAll(S[] states, Integer[] order, Predicate<? super S> live,
      BooleanSupplier decide) {
    return holding(states, order, 0, live, decide);
  }

  private static <S> boolean holding(S[] states, Integer[] order, int k,
      Predicate<? super S> live, BooleanSupplier decide) {
    if (k == order.length) {
      return decide.getAsBoolean();
    }
    S s = states[order[k]];
    synchronized (s) {
      return live.test(s) && holding(states, order, k + 1, live, decide);
    }
  }

  /**
   * {@link RateLimiterEngine#checkAllAsync} of an engine whose {@code checkAll} decides in the
   * calling thread without I/O: decides now by the engine's time source and completes before it
   * returns, exceptionally on what {@code checkAll} throws.
   */
  public static CompletionStage<MultiDecision> decidedInline(RateLimiterEngine engine,
      List<KeyedCheck> checks) {
    try {
      return CompletableFuture.completedFuture(
          engine.checkAll(checks, engine.timeSource().nowMicros()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
