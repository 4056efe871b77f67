package dev.sluice.synced;

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
}
