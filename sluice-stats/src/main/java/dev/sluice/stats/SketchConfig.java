package dev.sluice.stats;

import dev.sluice.rules.RuleSetCodec;
import java.time.Duration;

/**
 * How much traffic {@link TrafficStats} remembers per rule and how precisely.
 *
 * @param period the sliding period the sketches cover: the last {@code period} of traffic, at a
 *     granularity of one slice ({@code period / slices})
 * @param slices how many sub-period sketches make up the period, in [1, 60]; reads merge them
 * @param topCapacity the map size of each frequent-items sketch, a power of two in [16, 4096]:
 *     a count is off by at most {@code 3.5 / topCapacity} of the period's total
 *     ({@link TrafficStats} states the measured bound with every estimate)
 * @param hllLgK log2 of the HyperLogLog registers, in [4, 16]: relative standard error about
 *     {@code 1.04 / sqrt(2^hllLgK)} (1.6 % at the default 12)
 */
public record SketchConfig(Duration period, int slices, int topCapacity, int hllLgK) {
  /** 60 s in 6 slices of 10 s, 256-entry frequent-items maps, HLL with 2^12 registers. */
  public static final SketchConfig DEFAULTS = new SketchConfig(Duration.ofSeconds(60), 6, 256, 12);

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public SketchConfig {
    if (period == null || period.toMillis() < 1000) {
      throw new IllegalArgumentException("period " + (period == null ? null
          : RuleSetCodec.formatDuration(period)) + " must be at least 1s");
    }
    if (slices < 1 || slices > 60) {
      throw new IllegalArgumentException("slices " + slices + " must be in [1, 60]");
    }
    if (period.toNanos() % 1_000_000 != 0 || period.toMillis() % slices != 0
        || period.toMillis() / slices < 100) {
      throw new IllegalArgumentException("period " + RuleSetCodec.formatDuration(period)
          + " must split into " + slices
          + " slices of a whole number of milliseconds, each at least 100ms");
    }
    if (topCapacity < 16 || topCapacity > 4096 || Integer.bitCount(topCapacity) != 1) {
      throw new IllegalArgumentException("top capacity " + topCapacity
          + " must be a power of two in [16, 4096]");
    }
    if (hllLgK < 4 || hllLgK > 16) {
      throw new IllegalArgumentException("HLL lgK " + hllLgK + " must be in [4, 16]");
    }
  }

  /** One slice, in milliseconds. */
  public long sliceMillis() {
    return period.toMillis() / slices;
  }
}
