package dev.sluice;

import java.util.List;

/**
 * The answer to a multi-key check ({@link RateLimiterEngine#checkAll}): one {@link Decision} per
 * check, in the order of the checks, and which of them to report.
 *
 * <p>{@code parts.get(i)} describes check {@code i}'s own rule as if it had been decided alone
 * at the same timestamp (its own {@code limitIndex}, {@code remaining}, {@code resetAtMicros}
 * and {@code retryAfterMicros}, with the per-rule selection of {@link Decision}'s class doc),
 * with one difference: its cost is consumed only when {@link #allowed()}, that is when every
 * part admits. When the whole is denied, a part whose own limits would admit is reported
 * {@code allowed() == true} with the permits it has now (nothing consumed). Nothing is ever
 * partially consumed.
 *
 * @param parts the decision of each check, in the order of the checks; not empty
 * @param reported the index in {@code parts} of the decision to report, as {@link #of} picks it
 */
public record MultiDecision(List<Decision> parts, int reported) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if {@code parts} is null, empty or holds a null, or
   *     {@code reported} is not an index of it
   */
  public MultiDecision {
    if (parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException("a multi-key decision needs at least one part");
    }
    parts = List.copyOf(parts);
    if (reported < 0 || reported >= parts.size()) {
      throw new IllegalArgumentException("reported part " + reported + " is outside [0, "
          + parts.size() + ")");
    }
  }

  /**
   * The decision of {@code parts} with the reported part picked as for the limits of one rule
   * ({@code docs/algorithms.md}, "Several limits"): if any part is denied, the denied part with
   * the largest {@code retryAfterMicros} (the first on ties); otherwise the part with the fewest
   * {@code remaining} (ties: the latest {@code resetAtMicros}, then the first).
   *
   * @throws IllegalArgumentException if {@code parts} is null, empty or holds a null
   */
  public static MultiDecision of(List<Decision> parts) {
    if (parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException("a multi-key decision needs at least one part");
    }
    int pick = -1;
    boolean anyDenied = false;
    for (Decision d : parts) {
      if (d == null) {
        throw new IllegalArgumentException("a multi-key decision part is null");
      }
      anyDenied |= !d.allowed();
    }
    for (int i = 0; i < parts.size(); i++) {
      Decision d = parts.get(i);
      if (anyDenied) {
        if (!d.allowed()
            && (pick < 0 || d.retryAfterMicros() > parts.get(pick).retryAfterMicros())) {
          pick = i;
        }
      } else if (pick < 0 || d.remaining() < parts.get(pick).remaining()
          || (d.remaining() == parts.get(pick).remaining()
              && d.resetAtMicros() > parts.get(pick).resetAtMicros())) {
        pick = i;
      }
    }
    return new MultiDecision(parts, pick);
  }

  /** Whether every part admitted, and so every part's cost was consumed. */
  public boolean allowed() {
    for (Decision d : parts) {
      if (!d.allowed()) {
        return false;
      }
    }
    return true;
  }

  /** The part to report: {@code parts().get(reported())}. */
  public Decision reportedDecision() {
    return parts.get(reported);
  }

  /** Whether any part was decided by a failure policy instead of the backend. */
  public boolean degraded() {
    for (Decision d : parts) {
      if (d.degraded()) {
        return true;
      }
    }
    return false;
  }
}
