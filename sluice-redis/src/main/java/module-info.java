/** The Redis engine ({@code engine.type: redis}): one package, {@code dev.sluice.redis}. */
// Lettuce names its module only in its manifest; its ClientResources are part of this API. The
// engines the plumbing is exported to are built after this module, so javac cannot see them here.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic", "module"})
module dev.sluice.redis {
  requires transitive dev.sluice.core;
  requires transitive lettuce.core;
  // Topology carries the engine's TlsSettings.
  requires transitive dev.sluice.tls;
  requires org.slf4j;
  // WriteCoalescing adds Netty's flush consolidation to the engine's own Lettuce connections.
  requires io.netty.transport;
  requires io.netty.handler;

  exports dev.sluice.redis;
  // The Redis plumbing the other Redis-backed engines share: scripts, links, rounds.
  exports dev.sluice.redis.link to dev.sluice.synced, dev.sluice.regions;

  provides dev.sluice.spi.EngineProvider with dev.sluice.redis.RedisEngineProvider;
}
