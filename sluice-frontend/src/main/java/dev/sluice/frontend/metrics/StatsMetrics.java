package dev.sluice.frontend.metrics;

import dev.sluice.rules.Pipeline;
import dev.sluice.frontend.StatsView;
import dev.sluice.stats.RuleSnapshot;
import dev.sluice.stats.TrafficStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * The traffic statistics as metrics:
 *
 * <ul>
 *   <li>{@code sluice_rule_unique_clients{rule}}: distinct clients over the stats period (HLL
 *       estimate), always, computed at scrape time;
 *   <li>{@code sluice_rule_top_client_denied{rule, client}} and
 *       {@code sluice_rule_top_client_checks{rule, client}}: the estimated denied and requested
 *       permits of the {@code stats.top-k-labels} heaviest clients per rule, only when that is
 *       above 0 (the default is 0: client ids are unbounded and stay out of labels). API keys
 *       appear as a digest ({@code key:sha256:...}), never as the key. The rows are replaced by
 *       {@link #refresh} ({@code FrontendRuntime} calls it every 2 s), so a client that leaves the top k
 *       leaves the metrics.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class StatsMetrics {
  private final TrafficStats stats;
  private final Pipeline pipeline;
  private final int topK;
  private final MultiGauge unique;
  private final MultiGauge denied;
  private final MultiGauge checks;

  /** Registers the gauges of {@code stats} for the rules {@code pipeline} has in force. */
  public StatsMetrics(TrafficStats stats, Pipeline pipeline, MeterRegistry registry, int topK) {
    this.stats = stats;
    this.pipeline = pipeline;
    this.topK = topK;
    this.unique = MultiGauge.builder("sluice_rule_unique_clients")
        .description("Distinct clients of the rule over the stats period (HyperLogLog estimate)")
        .register(registry);
    this.denied = topK == 0 ? null : MultiGauge.builder("sluice_rule_top_client_denied")
        .description("Estimated permits denied to one of the rule's top clients over the stats "
            + "period (stats.top-k-labels)").register(registry);
    this.checks = topK == 0 ? null : MultiGauge.builder("sluice_rule_top_client_checks")
        .description("Estimated permits asked for by one of the rule's top clients over the "
            + "stats period (stats.top-k-labels)").register(registry);
    refresh();
  }

  /**
   * Replaces the rows: one per rule in force and Envoy descriptor seen
   * ({@link StatsView#ids}), and the top clients when enabled; forgets the statistics of
   * rules no longer in force.
   */
  public void refresh() {
    List<MultiGauge.Row<?>> u = new ArrayList<>();
    List<MultiGauge.Row<?>> d = new ArrayList<>();
    List<MultiGauge.Row<?>> c = new ArrayList<>();
    for (String id : StatsView.ids(pipeline, stats)) {
      u.add(MultiGauge.Row.of(Tags.of("rule", id), stats, s -> s.uniqueClients(id)));
      if (topK > 0) {
        RuleSnapshot snap = stats.snapshot(id, stats.config().period(), topK).orElse(null);
        if (snap != null) {
          for (RuleSnapshot.TopClient t : snap.deniedMost().clients()) {
            d.add(MultiGauge.Row.of(Tags.of("rule", id, "client",
                StatsView.displayClient(t.client())), t.estimate()));
          }
          for (RuleSnapshot.TopClient t : snap.requestedMost().clients()) {
            c.add(MultiGauge.Row.of(Tags.of("rule", id, "client",
                StatsView.displayClient(t.client())), t.estimate()));
          }
        }
      }
    }
    unique.register(u, true);
    if (topK > 0) {
      denied.register(d, true);
      checks.register(c, true);
    }
  }
}
