package dev.sluice;

/**
 * The answer to one check.
 *
 * <p>For a rule with several limits the fields describe the most restrictive limit: when the
 * request is denied, the denying limit that frees last (largest {@code retryAfterMicros}); when it
 * is allowed, the limit with the fewest permits remaining (ties: the one that resets last).
 *
 * @param allowed whether the request was admitted (and its cost consumed from every limit)
 * @param limit the reported limit's permits per window ({@link Limit#permits()}); for a token
 *     bucket or GCRA meter whose burst exceeds its permits, {@code remaining} can exceed it
 * @param remaining permits of that limit still available after this request, {@code >= 0}
 * @param resetAtMicros when, with no further requests, that limit is back to {@code limit}
 *     remaining, in microseconds since the epoch; {@link #NEVER} for a limit of 0
 * @param retryAfterMicros 0 when allowed; otherwise the shortest wait in microseconds after
 *     which the same request would be allowed if nothing else arrived, or {@link #NEVER} when it
 *     can never be (its cost exceeds the limit, or the limit is 0)
 * @param limitIndex the position of the reported limit in {@link Rule#limits()}
 * @param degraded true when a backend could not be reached and a failure policy decided
 */
public record Decision(boolean allowed, long limit, long remaining, long resetAtMicros,
    long retryAfterMicros, int limitIndex, boolean degraded) {

  /** The value of {@code retryAfterMicros} and {@code resetAtMicros} meaning "never". */
  public static final long NEVER = Long.MAX_VALUE;

  /** True when the request is denied and waiting will never help. */
  public boolean neverAllowed() {
    return !allowed && retryAfterMicros == NEVER;
  }

  /** This decision marked as made by a failure policy instead of the backend. */
  public Decision asDegraded() {
    return degraded ? this : new Decision(allowed, limit, remaining, resetAtMicros,
        retryAfterMicros, limitIndex, true);
  }
}
