package dev.sluice.rules;

import java.util.List;

/**
 * A rule of the service: which requests it governs, its limits, its priority among overlapping
 * rules, and whether it only observes (shadow mode).
 *
 * @param id unique in its set; letters, digits, {@code _ - . :}, at most
 *     {@value RuleSetCodec#MAX_ID_LENGTH} characters
 * @param match the requests it governs
 * @param limits one or more limits, decided together and atomically
 * @param priority higher is tried first; equal priorities keep the order of the set
 * @param shadow evaluated and counted, but a denial is reported as "would deny" and allowed
 */
public record RuleDefinition(String id, Match match, List<LimitDefinition> limits, int priority,
    boolean shadow) {
  public RuleDefinition {
    limits = List.copyOf(limits);
  }
}
