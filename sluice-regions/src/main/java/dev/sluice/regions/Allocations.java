package dev.sluice.regions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How one global limit of {@code total} permits is split among regions: the static split by
 * weight, each region's floor, the target toward demand, and the safe step from one epoch's
 * allocations to the next.
 *
 * <p>The step keeps the sum of the allocations in force at or below {@code total} whatever each
 * region knows (docs/regions.md, "Why the sum never exceeds the limit"): a region that holds
 * every region's seal of the previous epoch ({@link #next}) shrinks at once to its target but
 * grows only into what every other region cannot be holding, {@code total - sum over the others
 * of max(their target, their previous allocation)}; a region that lacks a seal keeps its
 * previous allocation ({@link #keep}). Pure functions of their arguments; immutable, thread-safe.
 */
public final class Allocations {
  private final long total;
  private final List<String> regions;
  private final SortedMap<String, Long> fixed;
  private final SortedMap<String, Long> floors;
  private final long hysteresis;

  private Allocations(long total, SortedMap<String, Long> fixed, SortedMap<String, Long> floors,
      long hysteresis) {
    this.total = total;
    this.regions = List.copyOf(fixed.keySet());
    this.fixed = Collections.unmodifiableSortedMap(fixed);
    this.floors = Collections.unmodifiableSortedMap(floors);
    this.hysteresis = hysteresis;
  }

  /**
   * The allocations of {@code total} permits among regions of {@code weights}.
   *
   * @param total the global limit's permits, {@code >= 0}
   * @param weights each region's weight, {@code >= 1}; at least one region
   * @param floorShare each region's floor as a share of its static allocation, in [0, 1]
   * @param hysteresis a region keeps its allocation while its target is within this many
   *     permits of it, {@code >= 0} (fewer changes: each change of allocation starts the
   *     region's state afresh for the algorithms that carry state across windows)
   * @throws IllegalArgumentException naming the bad value
   */
  public static Allocations of(long total, Map<String, Long> weights, double floorShare,
      long hysteresis) {
    if (total < 0) {
      throw new IllegalArgumentException("total " + total + " must be >= 0");
    }
    if (weights == null || weights.isEmpty()) {
      throw new IllegalArgumentException("at least one region needs a weight");
    }
    if (!(floorShare >= 0 && floorShare <= 1)) {
      throw new IllegalArgumentException("floor share " + floorShare + " must be in [0, 1]");
    }
    if (hysteresis < 0) {
      throw new IllegalArgumentException("hysteresis " + hysteresis + " must be >= 0");
    }
    TreeMap<String, Long> w = new TreeMap<>();
    for (Map.Entry<String, Long> e : weights.entrySet()) {
      if (e.getValue() == null || e.getValue() < 1) {
        throw new IllegalArgumentException("weight " + e.getValue() + " of region '"
            + e.getKey() + "' must be >= 1");
      }
      w.put(e.getKey(), e.getValue());
    }
    SortedMap<String, Long> fixed = split(total, w);
    TreeMap<String, Long> floors = new TreeMap<>();
    fixed.forEach((r, a) -> floors.put(r, (long) Math.floor(a * floorShare)));
    return new Allocations(total, fixed, floors, hysteresis);
  }

  /**
   * {@code amount} split in proportion to {@code weights} by largest remainder (ties to the
   * region first by name), so the parts sum to exactly {@code amount}.
   */
  static SortedMap<String, Long> split(long amount, SortedMap<String, Long> weights) {
    long sum = 0;
    for (long v : weights.values()) {
      sum += v;
    }
    TreeMap<String, Long> out = new TreeMap<>();
    if (sum == 0) {
      weights.keySet().forEach(r -> out.put(r, 0L));
      return out;
    }
    List<String> names = new ArrayList<>(weights.keySet());
    long[] rem = new long[names.size()];
    long given = 0;
    for (int i = 0; i < names.size(); i++) {
      long wgt = weights.get(names.get(i));
      // amount * w / sum without overflow for amounts and weights below 2^53.
      java.math.BigInteger p = java.math.BigInteger.valueOf(amount)
          .multiply(java.math.BigInteger.valueOf(wgt));
      java.math.BigInteger[] qr = p.divideAndRemainder(java.math.BigInteger.valueOf(sum));
      out.put(names.get(i), qr[0].longValueExact());
      rem[i] = qr[1].longValueExact();
      given += qr[0].longValueExact();
    }
    Integer[] order = new Integer[names.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> rem[a] != rem[b] ? Long.compare(rem[b], rem[a])
        : Integer.compare(a, b));
    for (int k = 0; given < amount; k++) {
      String r = names.get(order[k % order.length]);
      out.put(r, out.get(r) + 1);
      given++;
    }
    return out;
  }

  /** Makes the allocations of one global limit with fixed weights, floor and hysteresis. */
  interface Factory {
    /** The allocations of a limit of {@code total} permits. */
    Allocations of(long total);
  }

  /** The global limit split here, in permits. */
  public long total() {
    return total;
  }

  /** The regions, by name. */
  public List<String> regions() {
    return regions;
  }

  /** The static allocation of {@code region} (by weight), in permits. */
  public long fixed(String region) {
    return require(fixed, region);
  }

  /** The floor of {@code region}: no allocation of it is ever lower, in permits. */
  public long floor(String region) {
    return require(floors, region);
  }

  private static long require(Map<String, Long> m, String region) {
    Long v = m.get(region);
    if (v == null) {
      throw new IllegalArgumentException("unknown region '" + region + "'");
    }
    return v;
  }

  /**
   * The target allocations for a demand: each region its floor, then the rest of the limit to
   * the regions whose demand exceeds their floor, in proportion to that excess and never beyond
   * it; what no demand claims goes back by weight. The targets sum to {@link #total()}.
   *
   * @param demand each region's demand in permits (a missing region counts as 0)
   */
  public SortedMap<String, Long> target(Map<String, Long> demand) {
    TreeMap<String, Long> need = new TreeMap<>();
    long pool = total;
    long needed = 0;
    for (String r : regions) {
      long f = floors.get(r);
      pool -= f;
      long n = Math.max(0, demand.getOrDefault(r, 0L) - f);
      need.put(r, n);
      needed += n;
    }
    TreeMap<String, Long> t = new TreeMap<>();
    if (needed > pool) {
      SortedMap<String, Long> share = split(pool, need);
      for (String r : regions) {
        t.put(r, floors.get(r) + share.get(r));
      }
      return t;
    }
    SortedMap<String, Long> rest = split(pool - needed, new TreeMap<>(fixed));
    for (String r : regions) {
      t.put(r, floors.get(r) + need.get(r) + rest.get(r));
    }
    return t;
  }

  /**
   * The allocation of {@code region} for an epoch, computed from every region's seal of the
   * previous epoch: each region's allocation then and its demand of the epoch before.
   *
   * @param region the region deciding
   * @param previous every region's allocation in the previous epoch
   * @param demand every region's sealed demand (the epoch before the previous one)
   * @throws IllegalArgumentException if a region's previous allocation is missing
   */
  public long next(String region, Map<String, Long> previous, Map<String, Long> demand) {
    SortedMap<String, Long> t = target(demand);
    long prev = prev(previous, region);
    long want = t.get(region);
    if (Math.abs(want - prev) <= hysteresis) {
      return prev;
    }
    if (want < prev) {
      return want;
    }
    long others = 0;
    for (String s : regions) {
      if (!s.equals(region)) {
        others += Math.max(t.get(s), prev(previous, s));
      }
    }
    return Math.max(prev, Math.min(want, total - others));
  }

  private static long prev(Map<String, Long> previous, String region) {
    Long v = previous.get(region);
    if (v == null) {
      throw new IllegalArgumentException("no previous allocation of region '" + region + "'");
    }
    return v;
  }

  /**
   * The allocation of a region that lacks some region's seal of the previous epoch: its own
   * previous allocation, unchanged (it cannot prove that any other share is free).
   */
  public long keep(long previous) {
    return previous;
  }
}
