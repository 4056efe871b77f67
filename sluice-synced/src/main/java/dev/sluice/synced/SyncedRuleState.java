package dev.sluice.synced;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Rule;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The clients of one rule and those of them a sync has something to do for; thread-safe. */
final class SyncedRuleState extends RuleClients<SyncedKeyState> {
  final SyncedEngine engine;
  /** Per limit: permits, window (microseconds), whether a sliding window counter. */
  final long[] permits;
  final long[] window;
  final boolean[] sliding;
  final ConcurrentLinkedQueue<SyncedKeyState> dirty = new ConcurrentLinkedQueue<>();

  SyncedRuleState(SyncedEngine engine, Rule rule) {
    super(rule);
    this.engine = engine;
    int n = limits.length;
    permits = new long[n];
    window = new long[n];
    sliding = new boolean[n];
    for (int i = 0; i < n; i++) {
      permits[i] = limits[i].permits();
      window[i] = limits[i].windowMicros();
      sliding[i] = limits[i].algorithm() == Algorithm.SLIDING_WINDOW_COUNTER;
    }
  }

  @Override
  SyncedKeyState newState(String client) {
    return new SyncedKeyState(this, client);
  }

  /** Queues {@code s} for the next sync if it has something to sync; holds its monitor. */
  void queueIfDirty(SyncedKeyState s) {
    if (!s.queued && s.dirty()) {
      s.queued = true;
      dirty.add(s);
    }
  }

  @Override
  Decision decide(String client, long cost, long now, boolean describe) {
    int instances = engine.instances();
    while (true) {
      SyncedKeyState s = state(client);
      synchronized (s) {
        if (s.removed) {
          continue;
        }
        int denied = s.decide(now, cost, instances);
        queueIfDirty(s);
        if (describe) {
          return s.describe(denied, cost, now, instances);
        }
        return denied == 0 ? null : LocalRateLimiter.DENIED;
      }
    }
  }
}
