/**
 * Per-rule traffic statistics in bounded memory, fed by the decision pipeline
 * ({@link dev.sluice.rules.decide.DecisionCounters#clients}): top offenders with frequent-items
 * sketches, unique clients with HyperLogLog, over a sliding period; exact decisions per second.
 * Entry point: {@link dev.sluice.stats.TrafficStats}.
 */
package dev.sluice.stats;
