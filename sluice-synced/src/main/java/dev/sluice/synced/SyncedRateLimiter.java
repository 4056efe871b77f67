package dev.sluice.synced;

import dev.sluice.Checks;
import dev.sluice.Decision;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;

/** A limiter of the synced engine: decides in this process on the engine's view of a rule. */
final class SyncedRateLimiter implements RateLimiter {
  private final RuleState state;

  SyncedRateLimiter(RuleState state) {
    this.state = state;
  }

  /** The engine's state of this limiter's rule. */
  RuleState state() {
    return state;
  }

  @Override
  public Rule rule() {
    return state.rule;
  }

  @Override
  public TimeSource timeSource() {
    return state.engine.timeSource();
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

  /** Decides; without {@code describe}, returns null when allowed and a non-null value if not. */
  private Decision decide(String client, long cost, long now, boolean describe) {
    Checks.cost(cost);
    Checks.timestamp(now);
    state.engine.checks.increment();
    int instances = state.engine.instances();
    while (true) {
      KeyState s = state.state(client);
      synchronized (s) {
        if (s.removed) {
          continue;
        }
        int denied = s.decide(now, cost, instances);
        state.queueIfDirty(s);
        if (describe) {
          return s.describe(denied, cost, now, instances);
        }
        return denied == 0 ? null : DENIED;
      }
    }
  }

  private static final Decision DENIED = new Decision(false, 0, 0, 0, 0, 0, false);
}
