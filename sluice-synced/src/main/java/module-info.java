/** The synced and leased engines ({@code engine.type: synced, leased}): one package. */
// Lettuce names its module only in its manifest.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.sluice.synced {
  requires transitive dev.sluice.core;
  requires transitive dev.sluice.redis;
  requires lettuce.core;
  requires org.slf4j;

  exports dev.sluice.synced;

  provides dev.sluice.spi.EngineProvider with dev.sluice.synced.SyncedEngineProvider,
      dev.sluice.synced.LeasedEngineProvider;
}
