package dev.sluice.stats;

import java.util.List;

/**
 * What one rule's traffic looked like over a recent period, read from {@link TrafficStats}.
 *
 * @param rule the rule id
 * @param fromMillis start of the covered period (epoch milliseconds, a slice boundary)
 * @param toMillis end of the covered period (the read time)
 * @param deniedMost clients denied most (denied and shadow-denied permits), largest first
 * @param requestedMost clients asking for most permits (every decided check), largest first
 * @param deniedTotal permits denied to anyone in the period (exact)
 * @param requestedTotal permits asked for by anyone in the period (exact)
 * @param uniqueClients distinct client keys seen in the period
 * @param rates decisions per second by outcome over the last {@link Rates#windowSeconds} complete
 *     seconds, with the per-second series for a chart
 */
public record RuleSnapshot(String rule, long fromMillis, long toMillis,
    TopList deniedMost, TopList requestedMost, long deniedTotal, long requestedTotal,
    Estimate uniqueClients, Rates rates) {

  /**
   * The heaviest clients by one measure.
   *
   * @param clients at most the asked number, by estimate descending
   * @param maxError the sketch's maximum error: every listed client's true count lies in its
   *     {@code [lower, upper]}, at most this wide, and a client whose true count exceeds it is
   *     never missing from the sketch
   */
  public record TopList(List<TopClient> clients, long maxError) {}

  /**
   * One client's estimated count with its bounds.
   *
   * @param client the client key
   * @param estimate the estimated count (permits)
   * @param lower a guaranteed lower bound of the true count
   * @param upper a guaranteed upper bound of the true count
   */
  public record TopClient(String client, long estimate, long lower, long upper) {}

  /**
   * An estimated count with bounds of about 95 % confidence (two standard deviations).
   *
   * @param estimate the estimate
   * @param lower the lower bound
   * @param upper the upper bound
   */
  public record Estimate(double estimate, double lower, double upper) {}

  /**
   * Decisions per second.
   *
   * @param windowSeconds the complete seconds the rates average over
   * @param allowed allowed per second
   * @param denied denied per second
   * @param shadowDenied shadow-denied per second
   * @param degraded decided by a failure policy, per second
   * @param seriesStartSecond the epoch second of the first element of each series
   * @param allowedSeries allowed in each of the last complete seconds, oldest first
   * @param deniedSeries denied likewise
   * @param shadowDeniedSeries shadow-denied likewise
   * @param degradedSeries degraded likewise
   */
  public record Rates(int windowSeconds, double allowed, double denied, double shadowDenied,
      double degraded, long seriesStartSecond, long[] allowedSeries, long[] deniedSeries,
      long[] shadowDeniedSeries, long[] degradedSeries) {}
}
