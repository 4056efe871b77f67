package dev.sluice.synced;

import dev.sluice.Decision;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.spi.Checks;

/**
 * A limiter that decides in this process (the synced and the leased engines'): the key and
 * timestamp forms of {@link RateLimiter} all come down to {@link #decide}.
 */
abstract class LocalRateLimiter<R extends RuleClients<?>> implements RateLimiter {
  /** What {@link #decide} returns for a denial when no description was asked for. */
  static final Decision DENIED = new Decision(false, 0, 0, 0, 0, 0, false);

  final R state;

  LocalRateLimiter(R state) {
    this.state = state;
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
   * Decides a request of {@code cost} by {@code client} at {@code now}; with {@code describe}
   * returns the decision, without it null when allowed and a non-null value when not.
   *
   * @throws IllegalArgumentException for an invalid cost or timestamp
   */
  abstract Decision decide(String client, long cost, long now, boolean describe);
}
