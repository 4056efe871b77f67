/**
 * The synced engine: each instance decides in process on its view of the cluster's counts and
 * syncs them through Redis every interval ({@link dev.sluice.synced.SyncedEngine}); its
 * configuration is {@code engine.type: synced} ({@link dev.sluice.synced.SyncedEngineProvider}).
 * Merge rules and error bounds per algorithm are in {@code docs/distributed.md}.
 */
package dev.sluice.synced;
