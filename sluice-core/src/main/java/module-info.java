/**
 * Sluice's core: the rate-limiting API ({@code dev.sluice}), the engine SPI
 * ({@code dev.sluice.spi}) and the in-memory engine. The algorithms and tables in
 * {@code dev.sluice.internal} are not exported.
 */
module dev.sluice.core {
  exports dev.sluice;
  exports dev.sluice.spi;

  uses dev.sluice.spi.EngineProvider;

  provides dev.sluice.spi.EngineProvider with dev.sluice.internal.InMemoryEngineProvider;
}
