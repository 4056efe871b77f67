package dev.sluice.synced;

import dev.sluice.spi.Checks;
import dev.sluice.Decision;
import dev.sluice.Rule;
import dev.sluice.TimeSource;

/** A limiter of the leased engine: decides in this process on the leases it holds. */
final class LeasedRateLimiter extends LocalRateLimiter {
  private final LeaseRuleState state;

  LeasedRateLimiter(LeaseRuleState state) {
    this.state = state;
  }

  /** The engine's state of this limiter's rule. */
  LeaseRuleState state() {
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
    LeasedEngine engine = state.engine;
    engine.checks.increment();
    while (true) {
      LeaseState s = state.state(client);
      int denied;
      boolean worthARound = false;
      Decision d = null;
      synchronized (s) {
        if (s.removed) {
          continue;
        }
        denied = s.test(now, cost);
        if (denied == 0) {
          s.consume(cost);
        }
        if (describe) {
          d = s.describe(denied, cost, now);
        }
        worthARound = denied != 0 && s.worthARound(denied);
      }
      if (worthARound) {
        engine.missedLease();
      }
      if (denied != 0) {
        return describe ? d : DENIED;
      }
      return d;
    }
  }
}
