package dev.sluice.redis.tck;

import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import dev.sluice.tck.AbstractRateLimiterConformanceTest;

/** The conformance suite, unchanged, on a real standalone redis-server. */
class StandaloneConformanceTest extends AbstractRateLimiterConformanceTest {
  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    return RedisTck.engine(Topology.standalone(RedisServers.shared().uri()), timeSource);
  }

  @Override
  public int longRunSteps() {
    return RedisTck.LONG_RUN_STEPS;
  }
}
