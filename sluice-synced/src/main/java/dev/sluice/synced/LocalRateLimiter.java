package dev.sluice.synced;

import dev.sluice.Decision;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.spi.Checks;

/**
 * A limiter that decides in this process (the synced and the leased engines'): the key and
 * timestamp forms of {@link RateLimiter} all come down to {@link #decide}.
 */
abstract class LocalRateLimiter<R extends RuleClients<?>> implements RateLimiter {
  /** What {@link #decide} returns for a denial when no description was asked for. */
  static final Decision DENIED = new Decision(false, 0, 0, 0, 0, 0, false);

  final R state;
  private final LocalEngine<?, ?> engine;

  LocalRateLimiter(R state, LocalEngine<?, ?> engine) {
    this.state = state;
    this.engine = engine;
  }

  /** The engine's state of this limiter's rule. */
  final R state() {
    return state;
  }

  @Override
  public final Rule rule() {
    return state.rule;
  }

  @Override
  public final TimeSource timeSource() {
    return engine.timeSource();
  }

  @Override
  public Decision check(CharSequence key, long cost, long nowMicros) {
    return valid(Checks.key(key).toString(), cost, nowMicros, true);
  }

  @Override
  public Decision check(long key, long cost, long nowMicros) {
    return valid(Long.toString(key), cost, nowMicros, true);
  }

  @Override
  public boolean tryAcquire(CharSequence key, long cost, long nowMicros) {
    return valid(Checks.key(key).toString(), cost, nowMicros, false) == null;
  }

  @Override
  public boolean tryAcquire(long key, long cost, long nowMicros) {
    return valid(Long.toString(key), cost, nowMicros, false) == null;
  }

  /** Checks the cost and the timestamp, counts the check, and decides it. */
  private Decision valid(String client, long cost, long now, boolean describe) {
    Checks.cost(cost);
    Checks.timestamp(now);
    engine.checks.increment();
    return decide(client, cost, now, describe);
  }

  /**
   * Decides a valid request of {@code cost} by {@code client} at {@code now}; with
   * {@code describe} returns the decision, without it null when allowed and a non-null value when
   * not.
   */
  abstract Decision decide(String client, long cost, long now, boolean describe);
}
