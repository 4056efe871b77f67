package dev.sluice;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * A named set of limits decided together: a request is allowed only if every limit allows it,
 * and then every limit consumes its cost; if any limit denies, none consumes.
 *
 * <p>Immutable; two rules are equal when their ids and limits are equal, and engines keep the
 * state of equal rules together.
 *
 * @param id a non-blank identifier of at most {@value #MAX_ID_LENGTH} characters
 * @param limits one to {@value #MAX_LIMITS} limits, in the order the caller gave them
 */
public record Rule(String id, List<Limit> limits) {
  /** Longest rule id. */
  public static final int MAX_ID_LENGTH = 128;
  /** Most limits in one rule. */
  public static final int MAX_LIMITS = 16;

  /**
   * Validates and copies the limits.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public Rule {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("rule id '" + id + "' must not be blank");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("rule id of " + id.length()
          + " characters exceeds " + MAX_ID_LENGTH);
    }
    if (limits == null || limits.isEmpty()) {
      throw new IllegalArgumentException("rule '" + id + "' must have at least one limit");
    }
    if (limits.size() > MAX_LIMITS) {
      throw new IllegalArgumentException("rule '" + id + "' has " + limits.size()
          + " limits; at most " + MAX_LIMITS + " are allowed");
    }
    for (int i = 0; i < limits.size(); i++) {
      if (limits.get(i) == null) {
        throw new IllegalArgumentException("rule '" + id + "' limit " + i + " is null");
      }
    }
    limits = List.copyOf(limits);
  }

  /** A rule of the given limits. */
  public static Rule of(String id, Limit... limits) {
    return new Rule(id, List.of(limits));
  }

  /**
   * This rule with each limit's permits, and the burst of a token bucket or GCRA limit, mapped by
   * {@code share}: for an engine that enforces a part of a rule's budget (a local fallback, one
   * region's allocation), so that every such part is cut the same way. A limit of zero permits
   * stays as it is; a burst is at least one while its limit keeps any permits.
   *
   * @param share maps a count of permits to the part's count, at least zero
   * @throws IllegalArgumentException if {@code share} returns an invalid count
   */
  public Rule scaled(LongUnaryOperator share) {
    List<Limit> parts = new ArrayList<>(limits.size());
    for (Limit l : limits) {
      if (l.permits() == 0) {
        parts.add(l);
        continue;
      }
      long permits = share.applyAsLong(l.permits());
      Limit part = Limit.of(l.algorithm(), permits, l.window());
      if (permits > 0
          && (l.algorithm() == Algorithm.TOKEN_BUCKET || l.algorithm() == Algorithm.GCRA)) {
        part = part.withBurst(Math.max(1, share.applyAsLong(l.burst())));
      }
      parts.add(part);
    }
    return new Rule(id, parts);
  }
}
