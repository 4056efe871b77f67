package dev.sluice.synced;

import dev.sluice.Decision;
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

  /**
   * Decides a valid request of {@code cost} by {@code client} at {@code now}; with
   * {@code describe} returns the decision, without it null when allowed and a non-null value when
   * not.
   */
  abstract Decision decide(String client, long cost, long now, boolean describe);
}
