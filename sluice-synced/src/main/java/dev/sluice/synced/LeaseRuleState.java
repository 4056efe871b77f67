package dev.sluice.synced;

import dev.sluice.Limit;
import dev.sluice.Rule;
import java.util.concurrent.ConcurrentHashMap;

/** The clients of one rule under a {@link LeasedEngine}; thread-safe. */
final class LeaseRuleState {
  final LeasedEngine engine;
  final Rule rule;
  final Limit[] limits;
  final ConcurrentHashMap<String, LeaseState> clients = new ConcurrentHashMap<>();

  LeaseRuleState(LeasedEngine engine, Rule rule) {
    this.engine = engine;
    this.rule = rule;
    this.limits = rule.limits().toArray(new Limit[0]);
  }

  /** The state of {@code client}, created on first use. */
  LeaseState state(String client) {
    LeaseState s = clients.get(client);
    return s != null ? s : clients.computeIfAbsent(client, c -> new LeaseState(this, c));
  }
}
