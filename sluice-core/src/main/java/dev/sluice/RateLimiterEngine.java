package dev.sluice;

/**
 * Where rate-limit state lives: the embedded {@link InMemoryEngine}, or a server-backed engine
 * from another module (Redis). An engine hands out a {@link RateLimiter} per rule; limiters for
 * equal rules share their state.
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
   * Whether this engine decides in the calling thread without I/O, so that its asynchronous
   * methods complete before they return: front ends then call the synchronous forms and skip the
   * hop. The in-memory engine does; engines backed by a server do not.
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
