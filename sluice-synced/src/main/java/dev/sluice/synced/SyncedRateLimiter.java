package dev.sluice.synced;

import dev.sluice.Decision;

/** A limiter of the synced engine: decides in this process on the engine's view of a rule. */
final class SyncedRateLimiter extends LocalRateLimiter<SyncedRuleState> {
  SyncedRateLimiter(SyncedRuleState state) {
    super(state, state.engine);
  }

  @Override
  Decision decide(String client, long cost, long now, boolean describe) {
    int instances = state.engine.instances();
    while (true) {
      SyncedKeyState s = state.state(client);
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
