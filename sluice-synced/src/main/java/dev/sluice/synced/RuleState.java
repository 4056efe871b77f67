package dev.sluice.synced;

import dev.sluice.Algorithm;
import dev.sluice.Limit;
import dev.sluice.Rule;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The clients of one rule and those of them a sync has something to do for; thread-safe. */
final class RuleState {
  final SyncedEngine engine;
  final Rule rule;
  final Limit[] limits;
  /** Per limit: permits, window (microseconds), whether a sliding window counter. */
  final long[] permits;
  final long[] window;
  final boolean[] sliding;
  final ConcurrentHashMap<String, KeyState> clients = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<KeyState> dirty = new ConcurrentLinkedQueue<>();

  RuleState(SyncedEngine engine, Rule rule) {
    this.engine = engine;
    this.rule = rule;
    this.limits = rule.limits().toArray(new Limit[0]);
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

  /** The state of {@code client}, created on first use. */
  KeyState state(String client) {
    KeyState s = clients.get(client);
    return s != null ? s : clients.computeIfAbsent(client, c -> new KeyState(this, c));
  }

  /** Queues {@code s} for the next sync if it has something to sync; holds its monitor. */
  void queueIfDirty(KeyState s) {
    if (!s.queued && s.dirty()) {
      s.queued = true;
      dirty.add(s);
    }
  }
}
