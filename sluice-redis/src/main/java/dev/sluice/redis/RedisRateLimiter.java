package dev.sluice.redis;

import dev.sluice.Decision;
import dev.sluice.RateLimiter;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RateLimiter} whose state lives in Redis. Each check is one EVALSHA of the check script
 * on one key: atomic over all the rule's limits, one round trip, never retried.
 *
 * <p>The methods without a timestamp use the Redis server's clock ({@code TIME} inside the
 * script) unless the engine was given a {@link dev.sluice.TimeSource}; the methods with one pass
 * it to the script unchanged. No method throws because of Redis: when it cannot be reached the
 * rule's {@link FailurePolicy} decides and the decision says {@code degraded}.
 *
 * <p>Thread-safe; async checks from many threads pipeline over one connection per server.
 */
public interface RedisRateLimiter extends RateLimiter {

  /**
   * Decides a request of {@code cost} permits now, without blocking: at the Redis server's time
   * unless the engine was given a time source.
   */
  @Override
  CompletionStage<Decision> checkAsync(CharSequence key, long cost);

  /** What this limiter decides when Redis cannot. */
  FailurePolicy failurePolicy();

  /** Whether this limiter answers repeated denials in-process (see the engine's builder). */
  boolean denialCacheEnabled();
}
