package dev.sluice.rules.decide;

/**
 * Where a {@link RuleBook} counts its decisions, by rule and outcome ({@code allowed},
 * {@code denied}, {@code shadow_denied}, {@code degraded}; rule {@code ""} with
 * {@code unlimited} for requests no rule governs). A front end backs it with its metrics.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface DecisionCounters {
  /** Counts nothing. */
  DecisionCounters NONE = (rule, outcome) -> () -> { };

  /** The counter of {@code outcome} for {@code rule}; asked once per rule when a book compiles. */
  Tally tally(String rule, String outcome);

  /** One counter. */
  @FunctionalInterface
  interface Tally {
    /** Adds one. */
    void increment();
  }
}
