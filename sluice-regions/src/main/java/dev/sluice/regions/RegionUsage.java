package dev.sluice.regions;

/**
 * One region's entry for one slot (a rule, a client key and an epoch of the rule) in the usage
 * CRDT ({@link UsageCrdt}): every field only grows, and two entries join by the maximum of each
 * field, so the join is commutative, associative and idempotent.
 *
 * <p>Only the region itself writes its entry: {@code admitted} and {@code demand} are its
 * grow-only counters for the epoch; {@code allocation} and {@code sealedDemand} are its seal, set
 * once when the region enters the epoch (-1 until then).
 *
 * @param admitted permits the region admitted in the epoch, {@code >= 0}
 * @param demand permits the region was asked for in the epoch, admitted or denied, {@code >= 0}
 * @param allocation the permits (of the rule's reference limit) the region enforces in the
 *     epoch, -1 while not sealed
 * @param sealedDemand the region's demand of the previous epoch when it sealed this one, -1
 *     while not sealed
 */
public record RegionUsage(long admitted, long demand, long allocation, long sealedDemand) {
  /** The entry of a region nothing is known of. */
  public static final RegionUsage NONE = new RegionUsage(0, 0, -1, -1);

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming a negative count or a seal below -1
   */
  public RegionUsage {
    if (admitted < 0 || demand < 0) {
      throw new IllegalArgumentException("admitted " + admitted + " and demand " + demand
          + " must be >= 0");
    }
    if (allocation < -1 || sealedDemand < -1) {
      throw new IllegalArgumentException("allocation " + allocation + " and sealed demand "
          + sealedDemand + " must be >= -1");
    }
  }

  /** The join: the maximum of each field. */
  public RegionUsage join(RegionUsage o) {
    if (o == this) {
      return this;
    }
    return new RegionUsage(Math.max(admitted, o.admitted), Math.max(demand, o.demand),
        Math.max(allocation, o.allocation), Math.max(sealedDemand, o.sealedDemand));
  }

  /** Whether the region has sealed the epoch (its allocation for it is known). */
  public boolean sealed() {
    return allocation >= 0 && sealedDemand >= 0;
  }
}
