package dev.sluice.regions;

import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.tck.AbstractRateLimiterConformanceTest;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The conformance suite, unchanged, on one region alone (its allocation is the whole limit) on a
 * real redis-server: the regional engine decides every algorithm exactly as the Redis engine
 * does, the epoch guard never denies what the algorithm admits, multi-key checks included.
 */
class SingleRegionConformanceTest extends AbstractRateLimiterConformanceTest {
  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    return RegionalEngine.builder("solo", Map.of("solo",
            Topology.standalone(RedisServers.shared().uri())))
        .timeSource(timeSource)
        .keyPrefix("tck" + UUID.randomUUID() + ":")
        .commandTimeout(Duration.ofSeconds(10))
        .autoExchange(false)
        .build();
  }

  @Override
  public int longRunSteps() {
    return 10_000;
  }
}
