package dev.sluice.redis.tck;

import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;

/** The conformance suite, unchanged, on a real standalone redis-server. */
class StandaloneConformanceTest extends RedisConformanceTest {
  @Override
  Topology topology() {
    return Topology.standalone(RedisServers.shared().uri());
  }
}
