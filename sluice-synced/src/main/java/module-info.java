/**
 * The synced and leased engines ({@code engine.type: synced, leased}). Exports their entry
 * points: {@link dev.sluice.synced.SyncedEngine} and {@link dev.sluice.synced.LeasedEngine} with
 * their builders and statistics, and the providers the service loader finds; their states, rounds
 * and scripts are package-private, and their Redis plumbing is {@code sluice-redis}'s.
 */
module dev.sluice.synced {
  requires transitive dev.sluice.core;
  requires transitive dev.sluice.redis;
  requires org.slf4j;

  exports dev.sluice.synced;

  provides dev.sluice.spi.EngineProvider with dev.sluice.synced.SyncedEngineProvider,
      dev.sluice.synced.LeasedEngineProvider;
}
