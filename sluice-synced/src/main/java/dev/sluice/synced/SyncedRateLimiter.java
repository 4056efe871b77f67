package dev.sluice.synced;

import dev.sluice.spi.Checks;
import dev.sluice.Decision;
import dev.sluice.Rule;
import dev.sluice.TimeSource;

/** A limiter of the synced engine: decides in this process on the engine's view of a rule. */
final class SyncedRateLimiter extends LocalRateLimiter {
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
  Decision decide(String client, long cost, long now, boolean describe) {
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
}
