package dev.sluice.synced;

import dev.sluice.Algorithm;
import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.tck.AbstractRateLimiterConformanceTest;
import dev.sluice.tck.EngineCapabilities;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.UUID;

/**
 * The conformance suite, unchanged, on one synced instance over a real redis-server: alone, it
 * decides exactly as the in-memory engine does, for the two algorithms it supports. Its bound
 * across instances is {@link SyncedBoundsTest}'s.
 */
class SyncedConformanceTest extends AbstractRateLimiterConformanceTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);

  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    return SyncedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .timeSource(timeSource).keyPrefix("tck" + UUID.randomUUID() + ":")
        .syncInterval(INTERVAL).commandTimeout(Duration.ofSeconds(10)).autoSync(false).build();
  }

  @Override
  public EngineCapabilities capabilities() {
    return EngineCapabilities.exact()
        .onlyAlgorithms(Algorithm.FIXED_WINDOW, Algorithm.SLIDING_WINDOW_COUNTER)
        .withRounds(INTERVAL);
  }

  @Override
  public void sync() {
    ((SyncedEngine) engine()).syncNow();
  }
}
