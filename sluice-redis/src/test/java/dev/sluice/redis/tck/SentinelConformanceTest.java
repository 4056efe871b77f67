package dev.sluice.redis.tck;

import dev.sluice.redis.Servers;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisSentinelGroup;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite, unchanged, on a master found through real sentinels. */
class SentinelConformanceTest extends RedisConformanceTest {
  @RegisterExtension
  static final Servers<RedisSentinelGroup> SENTINELS = Servers.sentinels();

  @Override
  Topology topology() {
    return SENTINELS.topology();
  }
}
