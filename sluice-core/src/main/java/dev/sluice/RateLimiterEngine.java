package dev.sluice;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where rate-limit state lives: the embedded {@link InMemoryEngine}, or a server-backed engine
 * from another module (Redis). An engine hands out a {@link RateLimiter} per rule; limiters for
 * equal rules share their state.
 *
 * <p>Besides the checks of one limiter, an engine decides several (rule, key) checks together,
 * all or nothing ({@link #checkAll}): e.g. a per-user, a per-org and a global limit of one
 * request. See {@code docs/algorithms.md}, "Multi-key checks".
 *
 * <p>Implementations are thread-safe.
 */
public interface RateLimiterEngine extends AutoCloseable {

  /**
   * A limiter enforcing {@code rule}; equal rules give limiters that share state. The in-memory
   * engine keeps a rule's state only while some limiter for it is reachable; a server-backed
   * engine keeps it on the server until it expires.
   *
   * @throws IllegalArgumentException if {@code rule} is null, or the engine cannot enforce it
   */
  RateLimiter limiter(Rule rule);

  /**
   * Decides every check at {@code nowMicros}, all or nothing: when every check's rule admits its
   * cost, every cost is consumed; otherwise none is. The parts of the answer describe each check
   * as {@link MultiDecision} says; the same {@code checks} at the same time give the same answer
   * on every engine (see {@code docs/algorithms.md}, "Multi-key checks").
   *
   * @throws IllegalArgumentException for a null or empty list, more than
   *     {@link KeyedCheck#MAX_CHECKS} checks, a limiter from another engine, the same (rule, key)
   *     twice (the message names the rule id and the key), or an invalid timestamp
   */
  MultiDecision checkAll(List<KeyedCheck> checks, long nowMicros);

  /**
   * As {@link #checkAll(List, long)}, now by the engine's clock (on Redis: the server's
   * {@code TIME} where the engine is configured for server time), without blocking the caller.
   * Invalid arguments fail the returned stage with the exceptions of {@code checkAll}.
   */
  CompletionStage<MultiDecision> checkAllAsync(List<KeyedCheck> checks);

  /**
   * Whether this engine decides in the calling thread without I/O, so that its synchronous
   * methods never block on a network (in-memory: true; Redis: false). False by default.
   */
  default boolean decidesInline() {
    return false;
  }

  /** The time source of the limiters this engine hands out. */
  TimeSource timeSource();

  /** Releases the engine's resources; limiters handed out must not be used afterwards. */
  @Override
  void close();
}
