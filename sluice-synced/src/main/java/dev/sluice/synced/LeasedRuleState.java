package dev.sluice.synced;

import dev.sluice.Decision;
import dev.sluice.Rule;

/** The clients of one rule under a {@link LeasedEngine}; thread-safe. */
final class LeasedRuleState extends RuleClients<LeasedKeyState> {
  final LeasedEngine engine;

  LeasedRuleState(LeasedEngine engine, Rule rule) {
    super(rule);
    this.engine = engine;
  }

  @Override
  LeasedKeyState newState(String client) {
    return new LeasedKeyState(this, client);
  }

  @Override
  Decision decide(String client, long cost, long now, boolean describe) {
    while (true) {
      LeasedKeyState s = state(client);
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
        return describe ? d : LocalRateLimiter.DENIED;
      }
      return d;
    }
  }
}
