package dev.sluice.synced;

import dev.sluice.Decision;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.spi.Checks;

/**
 * A limiter of the synced or the leased engine, which decides in this process: the key and
 * timestamp forms of {@link RateLimiter} all come down to its rule state's
 * {@link RuleClients#decide}.
 */
final class LocalRateLimiter implements RateLimiter {
  /** What {@link RuleClients#decide} returns for a denial when no description was asked for. */
  static final Decision DENIED = new Decision(false, 0, 0, 0, 0, 0, false);

  final RuleClients<?> state;
  final LocalEngine<?, ?> engine;

  LocalRateLimiter(RuleClients<?> state, LocalEngine<?, ?> engine) {
    this.state = state;
    this.engine = engine;
  }

  @Override
  public Rule rule() {
    return state.rule;
  }

  @Override
  public TimeSource timeSource() {
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
    return state.decide(client, cost, now, describe);
  }
}
