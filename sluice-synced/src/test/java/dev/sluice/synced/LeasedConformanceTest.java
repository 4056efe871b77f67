package dev.sluice.synced;

import dev.sluice.Algorithm;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.tck.AbstractRateLimiterConformanceTest;
import dev.sluice.tck.EngineCapabilities;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.UUID;

/**
 * The conformance suite, unchanged, on one leased instance over a real redis-server, for what it
 * claims: fixed window and token bucket, never more than an exact limiter admits (it admits only
 * out of leases taken in rounds, so it may admit less), at its own clock.
 */
class LeasedConformanceTest extends AbstractRateLimiterConformanceTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);

  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    LeasedEngine engine = LeasedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .timeSource(timeSource).keyPrefix("tck" + UUID.randomUUID() + ":")
        .syncInterval(INTERVAL).maxLeaseFraction(1.0).commandTimeout(Duration.ofSeconds(10))
        .autoSync(false).build();
    // A Redis that has known its pools for a minute: no grace period after a fresh data mark
    // holds the first leases back, and token buckets start full.
    ManualTimeSource clock = (ManualTimeSource) timeSource;
    long now = clock.nowMicros();
    clock.set(now - 60_000_000L);
    if (!engine.syncNow()) {
      throw new IllegalStateException("first round failed: " + engine.stats());
    }
    clock.set(now);
    return engine;
  }

  @Override
  public EngineCapabilities capabilities() {
    return EngineCapabilities.exact()
        .onlyAlgorithms(Algorithm.FIXED_WINDOW, Algorithm.TOKEN_BUCKET)
        .neverOverAdmits().withoutCallerClock().withRounds(INTERVAL);
  }

  @Override
  public void sync() {
    ((LeasedEngine) engine()).syncNow();
  }
}
