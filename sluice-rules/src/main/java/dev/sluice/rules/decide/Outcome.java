package dev.sluice.rules.decide;

import dev.sluice.Decision;
import dev.sluice.rules.RuleDefinition;

/**
 * The answer to one check.
 *
 * @param rule the rule that decided, or null when no rule governs the request
 * @param decision the engine's decision (the reported limit, see {@link Decision}), or null when
 *     no rule or no limit applied
 * @param shadowDenied the rule is in shadow mode and would have denied: the request is allowed
 */
public record Outcome(RuleDefinition rule, Decision decision, boolean shadowDenied) {
  /** A request no rule governs. */
  public static final Outcome UNLIMITED = new Outcome(null, null, false);

  /** Whether the caller should let the request through. */
  public boolean allowed() {
    return decision == null || decision.allowed() || shadowDenied;
  }
}
