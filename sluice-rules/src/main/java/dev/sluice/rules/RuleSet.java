package dev.sluice.rules;

import java.util.List;
import java.util.Optional;

/**
 * An immutable, validated set of rules and its version tag.
 *
 * @param rules the rules in the order they were given
 * @param etag a strong entity tag (quoted) derived from the canonical form, so every instance
 *     that holds the same rules reports the same tag
 */
public record RuleSet(List<RuleDefinition> rules, String etag) {
  public RuleSet {
    rules = List.copyOf(rules);
  }

  /** The empty set. */
  public static RuleSet empty() {
    return RuleSetCodec.withEtag(List.of());
  }

  /** The rule with this id, if any. */
  public Optional<RuleDefinition> find(String id) {
    return rules.stream().filter(r -> r.id().equals(id)).findFirst();
  }
}
