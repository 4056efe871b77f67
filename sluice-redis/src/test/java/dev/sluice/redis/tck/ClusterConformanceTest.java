package dev.sluice.redis.tck;

import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisCluster;
import dev.sluice.tck.AbstractRateLimiterConformanceTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite, unchanged, on a real Redis Cluster of 3 masters with replicas. */
class ClusterConformanceTest extends AbstractRateLimiterConformanceTest {
  private static RedisCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    return RedisTck.engine(new Topology.Cluster(cluster.seedUris(), Duration.ofSeconds(30)),
        timeSource);
  }

  @Override
  public int longRunSteps() {
    return RedisTck.LONG_RUN_STEPS;
  }
}
