package dev.sluice.redis.tck;

import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.redis.FailurePolicy;
import dev.sluice.redis.RedisEngine;
import dev.sluice.redis.Servers;
import dev.sluice.tck.AbstractRateLimiterConformanceTest;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.UUID;

/**
 * The conformance suite, unchanged, on the Redis engine over the servers a subclass names with
 * {@link Servers.OnRedis}: one set of Lettuce
 * threads for every engine, a fresh key prefix per test, fewer steps in the long runs (every
 * step is a round trip).
 */
abstract class RedisConformanceTest extends AbstractRateLimiterConformanceTest {
  /** Event loops shared by every engine the suites create (closed with the JVM). */
  private static final ClientResources RESOURCES = DefaultClientResources.builder()
      .ioThreadPoolSize(2).computationThreadPoolSize(2).build();

  /**
   * A fresh engine: new key prefix (no state), the suite's time source, a generous timeout and
   * fail-closed policy (a degraded decision would fail the suite's assertions, never hide).
   */
  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    return RedisEngine.builder(Servers.topology(getClass()))
        .timeSource(timeSource)
        .keyPrefix("tck" + UUID.randomUUID())
        .commandTimeout(Duration.ofSeconds(10))
        .connectTimeout(Duration.ofSeconds(10))
        .defaultPolicy(FailurePolicy.failClosed())
        .clientResources(RESOURCES)
        .build();
  }

  @Override
  public int longRunSteps() {
    return 10_000;
  }
}
