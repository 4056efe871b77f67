package dev.sluice.redis.tck;

import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.redis.FailurePolicy;
import dev.sluice.redis.RedisEngine;
import dev.sluice.redis.Topology;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.UUID;

/** What the TCK subclasses share: one set of Lettuce threads, a fresh key prefix per test. */
final class RedisTck {
  /** Event loops shared by every engine the suites create (closed with the JVM). */
  static final ClientResources RESOURCES = DefaultClientResources.builder()
      .ioThreadPoolSize(2).computationThreadPoolSize(2).build();

  /** Fewer steps in the long no-drift runs: every step is a round trip. */
  static final int LONG_RUN_STEPS = 10_000;

  private RedisTck() {}

  /**
   * A fresh engine: new key prefix (no state), the suite's time source, a generous timeout and
   * fail-closed policy (a degraded decision would fail the suite's assertions, never hide).
   */
  static RateLimiterEngine engine(Topology topology, TimeSource timeSource) {
    return RedisEngine.builder(topology)
        .timeSource(timeSource)
        .keyPrefix("tck" + UUID.randomUUID())
        .commandTimeout(Duration.ofSeconds(10))
        .connectTimeout(Duration.ofSeconds(10))
        .defaultPolicy(FailurePolicy.failClosed())
        .clientResources(RESOURCES)
        .build();
  }
}
