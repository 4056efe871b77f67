package dev.sluice.regions;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What is known of one slot (a rule, a client key, an epoch) across regions: a state-based CRDT
 * mapping each region to its {@link RegionUsage}, joined region by region with
 * {@link RegionUsage#join}. A region absent from the map is {@link RegionUsage#NONE}, the
 * bottom of the lattice, so the join is commutative, associative and idempotent: replicas that
 * received the same entries in any order, any number of times, hold equal states.
 *
 * <p>Immutable; thread-safe.
 */
public final class UsageCrdt {
  /** The state of a slot nothing is known of. */
  public static final UsageCrdt EMPTY = new UsageCrdt(new TreeMap<>());

  private final SortedMap<String, RegionUsage> regions;

  private UsageCrdt(SortedMap<String, RegionUsage> regions) {
    this.regions = regions;
  }

  /** A state holding one region's entry. */
  public static UsageCrdt of(String region, RegionUsage usage) {
    return EMPTY.with(region, usage);
  }

  /** This state joined with {@code usage} for {@code region} (never lowers a field). */
  public UsageCrdt with(String region, RegionUsage usage) {
    if (region == null || usage == null) {
      throw new IllegalArgumentException("region and usage must not be null");
    }
    RegionUsage old = regions.get(region);
    RegionUsage joined = old == null ? usage : old.join(usage);
    if (joined.equals(old) || (old == null && joined.equals(RegionUsage.NONE))) {
      return this;
    }
    TreeMap<String, RegionUsage> m = new TreeMap<>(regions);
    m.put(region, joined);
    return new UsageCrdt(m);
  }

  /** The join of two states: per region, the join of their entries. */
  public UsageCrdt join(UsageCrdt other) {
    UsageCrdt s = this;
    for (Map.Entry<String, RegionUsage> e : other.regions.entrySet()) {
      s = s.with(e.getKey(), e.getValue());
    }
    return s;
  }

  /** The entry of {@code region}; {@link RegionUsage#NONE} when nothing is known of it. */
  public RegionUsage get(String region) {
    return regions.getOrDefault(region, RegionUsage.NONE);
  }

  /** Every region with an entry, by name. */
  public SortedMap<String, RegionUsage> regions() {
    return Collections.unmodifiableSortedMap(regions);
  }

  /** Permits admitted by all regions in the epoch, as far as known. */
  public long admitted() {
    long n = 0;
    for (RegionUsage u : regions.values()) {
      n += u.admitted();
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UsageCrdt u && regions.equals(u.regions);
  }

  @Override
  public int hashCode() {
    return regions.hashCode();
  }

  @Override
  public String toString() {
    return regions.toString();
  }
}
