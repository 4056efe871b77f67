package dev.sluice.redis.tck;

import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisSentinelGroup;
import dev.sluice.tck.AbstractRateLimiterConformanceTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite, unchanged, on a master found through real sentinels. */
class SentinelConformanceTest extends AbstractRateLimiterConformanceTest {
  private static RedisSentinelGroup group;

  @BeforeAll
  static void startGroup() {
    group = RedisSentinelGroup.start();
  }

  @AfterAll
  static void stopGroup() {
    if (group != null) {
      group.close();
    }
  }

  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    return RedisTck.engine(
        Topology.sentinel(RedisSentinelGroup.MASTER_ID, group.sentinelAddresses()), timeSource);
  }

  @Override
  public int longRunSteps() {
    return RedisTck.LONG_RUN_STEPS;
  }
}
