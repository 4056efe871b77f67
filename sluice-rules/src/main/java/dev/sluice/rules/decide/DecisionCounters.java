package dev.sluice.rules.decide;

/**
 * Where a {@link RuleBook} counts its decisions, by rule and outcome ({@code allowed},
 * {@code denied}, {@code shadow_denied}, {@code degraded}; rule {@code ""} with
 * {@code unlimited} for requests no rule governs). A front end backs it with its metrics.
 *
 * <p>Besides the counters, a book tells {@link #clients} of every decided request with its client
 * key, so that per-client statistics (top offenders, unique clients) see every front end's
 * traffic. Client keys are unbounded in number: an implementation must never turn them into
 * metric labels unless its operator bounded and enabled that.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface DecisionCounters {
  /** Counts nothing. */
  DecisionCounters NONE = (rule, outcome) -> () -> { };

  /** The counter of {@code outcome} for {@code rule}; asked once per rule when a book compiles. */
  Tally tally(String rule, String outcome);

  /**
   * The observer of {@code rule}'s decisions by client; asked once per rule when a book compiles
   * (so again for every rule on every reload: return the same observer for the same rule id to
   * keep its state). Called on the check path of every front end, from many threads at once: an
   * implementation must be cheap (no I/O, no lock held for long) and never throw.
   *
   * @return by default {@link ClientTally#NONE}
   */
  default ClientTally clients(String rule) {
    return ClientTally.NONE;
  }

  /** One counter. */
  @FunctionalInterface
  interface Tally {
    /** Adds one. */
    void increment();
  }

  /** How a rule decided one request, as {@link #tally} names the outcomes. */
  enum Kind {
    /** Allowed by the engine (or no limit of the rule applied). */
    ALLOWED,
    /** Denied by the engine. */
    DENIED,
    /** Would have been denied; allowed because the rule is in shadow mode. */
    SHADOW_DENIED,
    /** Decided by a failure policy while the engine could not decide (allowed or not). */
    DEGRADED
  }

  /** Observes one rule's decisions with the client that asked. */
  @FunctionalInterface
  interface ClientTally {
    /** Observes nothing. */
    ClientTally NONE = (client, cost, kind) -> { };

    /**
     * One decided request.
     *
     * @param client the client key, as limits of scope {@code client} count it
     *     ({@link dev.sluice.rules.identity.ClientIdentity#key}: {@code key:}, {@code user:} or
     *     {@code ip:} followed by the identifier, or an explicit client id as given)
     * @param cost the permits the request asked for, at least 1
     * @param kind how it was decided
     */
    void decided(String client, long cost, Kind kind);
  }
}
