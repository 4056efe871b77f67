package dev.sluice.synced;

import dev.sluice.Decision;

/** A limiter of the leased engine: decides in this process on the leases it holds. */
final class LeasedRateLimiter extends LocalRateLimiter<LeasedRuleState> {
  LeasedRateLimiter(LeasedRuleState state) {
    super(state, state.engine);
  }

  @Override
  Decision decide(String client, long cost, long now, boolean describe) {
    LeasedEngine engine = state.engine;
    while (true) {
      LeasedKeyState s = state.state(client);
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
