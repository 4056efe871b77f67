/**
 * Per-rule traffic statistics: top clients and unique clients per rule over a sliding period,
 * from sketches ({@code dev.sluice.stats}).
 */
// DataSketches has no module name of its own; its sketches stay inside this module.
@SuppressWarnings("requires-automatic")
module dev.sluice.stats {
  requires transitive dev.sluice.rules;
  requires datasketches.java;

  exports dev.sluice.stats;
}
