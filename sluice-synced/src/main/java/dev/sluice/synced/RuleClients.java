package dev.sluice.synced;

import dev.sluice.Limit;
import dev.sluice.Rule;
import java.util.concurrent.ConcurrentHashMap;

/** The clients of one rule under a synced or leased engine; thread-safe. */
abstract class RuleClients<S extends ClientState> {
  final Rule rule;
  final Limit[] limits;
  final ConcurrentHashMap<String, S> clients = new ConcurrentHashMap<>();

  RuleClients(Rule rule) {
    this.rule = rule;
    this.limits = rule.limits().toArray(new Limit[0]);
  }

  /** The state of {@code client}, created on first use. */
  final S state(String client) {
    S s = clients.get(client);
    return s != null ? s : clients.computeIfAbsent(client, this::newState);
  }

  abstract S newState(String client);
}
