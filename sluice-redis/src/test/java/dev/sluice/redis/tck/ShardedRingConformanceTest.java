package dev.sluice.redis.tck;

import dev.sluice.redis.Servers;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisProcess;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite, unchanged, on a consistent-hash ring over 3 real standalone servers. */
class ShardedRingConformanceTest extends RedisConformanceTest {
  @RegisterExtension
  static final Servers<List<RedisProcess>> SERVERS = Servers.ring(3);

  @Override
  Topology topology() {
    return SERVERS.topology();
  }
}
