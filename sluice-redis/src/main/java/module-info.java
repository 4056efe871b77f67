/** The Redis engine ({@code engine.type: redis}): one package, {@code dev.sluice.redis}. */
// Lettuce names its module only in its manifest; its ClientResources are part of this API.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.sluice.redis {
  requires transitive dev.sluice.core;
  requires transitive lettuce.core;
  requires org.slf4j;

  exports dev.sluice.redis;

  provides dev.sluice.spi.EngineProvider with dev.sluice.redis.RedisEngineProvider;
}
