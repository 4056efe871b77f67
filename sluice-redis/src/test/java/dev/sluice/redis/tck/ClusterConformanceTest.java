package dev.sluice.redis.tck;

import dev.sluice.redis.Servers;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite, unchanged, on a real Redis Cluster of 3 masters with replicas. */
class ClusterConformanceTest extends RedisConformanceTest {
  @RegisterExtension
  static final Servers<RedisCluster> CLUSTER = Servers.cluster();

  @Override
  Topology topology() {
    return CLUSTER.topology();
  }
}
