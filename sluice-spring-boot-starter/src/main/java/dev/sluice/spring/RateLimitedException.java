package dev.sluice.spring;

import dev.sluice.rules.decide.Outcome;

/**
 * A call of a {@link RateLimited} method was denied. Web applications answer it with 429, the
 * problem document and the rate-limit headers of {@link #outcome()}.
 */
public class RateLimitedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Outcome outcome;

  /** A denial by {@code outcome} (its rule and decision). */
  public RateLimitedException(Outcome outcome) {
    super("rate limited by rule '" + outcome.rule().id() + "'", null, false, false);
    this.outcome = outcome;
  }

  /** The denying decision. */
  public Outcome outcome() {
    return outcome;
  }
}
