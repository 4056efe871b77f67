/**
 * Engines that decide in process and share limits through Redis off the check's path. The
 * synced engine decides on its view of the cluster's counts and syncs them every interval
 * ({@link dev.sluice.synced.SyncedEngine}, {@code engine.type: synced}); the leased engine spends
 * leases of permits taken from central pools ({@link dev.sluice.synced.LeasedEngine},
 * {@code engine.type: leased}). Merge rules, guarantees and error bounds are in
 * {@code docs/distributed.md}.
 */
package dev.sluice.synced;
