/**
 * The multi-region engine ({@code engine.type: regional}). Exports its entry points:
 * {@link dev.sluice.regions.RegionalEngine} with its builder, the views and statistics it answers
 * ({@link dev.sluice.regions.RegionalStats}, {@link dev.sluice.regions.UsageCrdt},
 * {@link dev.sluice.regions.Allocations}) and the provider the service loader finds; its slot
 * states and exchange script are package-private, and its Redis plumbing is
 * {@code sluice-redis}'s.
 */
// Lettuce names its module only in its manifest: the engine shares one ClientResources among
// its links to every region.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.sluice.regions {
  requires transitive dev.sluice.core;
  requires transitive dev.sluice.redis;
  requires lettuce.core;
  requires org.slf4j;

  exports dev.sluice.regions;

  provides dev.sluice.spi.EngineProvider with dev.sluice.regions.RegionalEngineProvider;
}
