/** The multi-region engine ({@code engine.type: regional}): one package, {@code dev.sluice.regions}. */
// Lettuce names its module only in its manifest.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.sluice.regions {
  requires transitive dev.sluice.core;
  requires transitive dev.sluice.redis;
  requires lettuce.core;
  requires org.slf4j;

  exports dev.sluice.regions;

  provides dev.sluice.spi.EngineProvider with dev.sluice.regions.RegionalEngineProvider;
}
