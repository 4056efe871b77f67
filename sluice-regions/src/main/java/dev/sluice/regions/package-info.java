/**
 * The multi-region engine ({@code engine.type: regional}, {@link dev.sluice.regions.RegionalEngine}):
 * every global limit is split into regional allocations, each region enforces its own on its own
 * Redis with the exact Redis engine, and regions exchange per-window usage as a state-based CRDT
 * ({@link dev.sluice.regions.UsageCrdt}) from which allocations are rebalanced toward demand
 * ({@link dev.sluice.regions.Allocations}). Design and bounds: {@code docs/regions.md}.
 */
package dev.sluice.regions;
