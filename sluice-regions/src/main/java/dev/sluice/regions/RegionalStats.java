package dev.sluice.regions;

import java.util.List;

/**
 * A snapshot of a regional engine's exchange, for {@code /readyz} and metrics.
 *
 * @param region this instance's region
 * @param intervalMicros the configured exchange interval, in microseconds
 * @param rounds exchange rounds run so far
 * @param slots (rule, client key) pairs this instance exchanges now
 * @param regions one view per region, this one's included, by name
 */
public record RegionalStats(String region, long intervalMicros, long rounds, int slots,
    List<RegionView> regions) {
  /** Copies the list. */
  public RegionalStats {
    regions = List.copyOf(regions);
  }

  /**
   * One region as this instance sees it.
   *
   * @param region the region's name
   * @param own whether it is this instance's region
   * @param lastExchangeAgeMicros microseconds (engine time) since the last complete exchange
   *     with the region's Redis, -1 if none yet
   * @param lastRoundMicros how long that exchange took, in microseconds (wall time), -1 if none
   * @param consecutiveFailures failed exchanges with it since the last complete one
   * @param partitioned whether the last exchange with it failed (or none has completed): its
   *     usage is known only as of {@code lastExchangeAgeMicros} ago
   * @param allocation the sum over the slots of the region's allocation in their current epoch
   *     as known here (permits of each rule's reference limit; regions that have not sealed the
   *     epoch yet count as 0)
   * @param admitted the sum over the slots of the permits the region admitted in their current
   *     epoch, as known here
   */
  public record RegionView(String region, boolean own, long lastExchangeAgeMicros,
      long lastRoundMicros, int consecutiveFailures, boolean partitioned, long allocation,
      long admitted) {}
}
