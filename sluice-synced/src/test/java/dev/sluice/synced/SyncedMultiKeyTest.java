package dev.sluice.synced;

import dev.sluice.RateLimiterEngine;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import java.util.UUID;

/** Multi-key checks on the synced engine: all or nothing on this instance's view. */
class SyncedMultiKeyTest extends AbstractMultiKeyTest {
  @Override
  RateLimiterEngine liveEngine() {
    return SyncedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .keyPrefix("mk" + UUID.randomUUID()).build();
  }
}
