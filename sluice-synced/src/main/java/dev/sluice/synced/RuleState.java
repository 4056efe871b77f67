package dev.sluice.synced;

import dev.sluice.Limit;
import dev.sluice.Rule;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The clients of one rule and those of them a sync has something to do for; thread-safe. */
final class RuleState {
  final SyncedEngine engine;
  final Rule rule;
  final Limit[] limits;
  final ConcurrentHashMap<String, KeyState> clients = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<KeyState> dirty = new ConcurrentLinkedQueue<>();

  RuleState(SyncedEngine engine, Rule rule) {
    this.engine = engine;
    this.rule = rule;
    this.limits = rule.limits().toArray(new Limit[0]);
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
