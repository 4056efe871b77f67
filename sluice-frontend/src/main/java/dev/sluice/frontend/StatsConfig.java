package dev.sluice.frontend;

import dev.sluice.rules.config.ConfigNode;
import dev.sluice.stats.SketchConfig;
import java.time.Duration;

/**
 * The {@code stats} section: how much per-rule traffic the service remembers for
 * {@code GET /rate-limits/stats}, the console and the metrics.
 *
 * @param sketches the sketches' period, slices and sizes
 * @param topKLabels how many top clients per rule to export as metric labels
 *     ({@code sluice_rule_top_client_denied} and {@code sluice_rule_top_client_checks}); 0 (the
 *     default) exports none, so client ids never reach the metrics unless an operator asks
 */
public record StatsConfig(SketchConfig sketches, int topKLabels) {
  /** The defaults: {@link SketchConfig#DEFAULTS}, no client labels. */
  public static final StatsConfig DEFAULTS = new StatsConfig(SketchConfig.DEFAULTS, 0);

  /** Most top clients per rule as metric labels. */
  public static final int MAX_TOP_K_LABELS = 100;

  /** Reads and validates the {@code stats} section of {@code top}, adding problems there. */
  public static StatsConfig read(ConfigNode top) {
    ConfigNode s = top.section("stats");
    SketchConfig d = SketchConfig.DEFAULTS;
    Duration period = s.duration("period", d.period(), Duration.ofSeconds(1));
    int slices = s.integer("slices", d.slices(), 1, 60);
    int capacity = s.integer("top-capacity", d.topCapacity(), 16, 4096);
    if (Integer.bitCount(capacity) != 1) {
      s.problem("top-capacity", capacity + " must be a power of two (16, 32, ... 4096)");
      capacity = d.topCapacity();
    }
    int lgK = s.integer("hll-lg-k", d.hllLgK(), 4, 16);
    int labels = s.integer("top-k-labels", 0, 0, MAX_TOP_K_LABELS);
    s.finish();
    try {
      return new StatsConfig(new SketchConfig(period, slices, capacity, lgK), labels);
    } catch (IllegalArgumentException e) {
      s.problem("period", e.getMessage());
      return DEFAULTS;
    }
  }
}
