package dev.sluice;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides requests of clients against one {@link Rule}, atomically across all its limits.
 *
 * <p>Every method comes in two forms: one that reads "now" from the backend's clock, and one that
 * takes an explicit {@code nowMicros} (microseconds since the epoch) so that decisions can be
 * replayed. The backend's clock is the limiter's {@link TimeSource} for the in-memory engine; a
 * server-backed engine may use the server's clock instead (the Redis backend uses Redis's
 * {@code TIME}, so that application servers with skewed clocks agree). Callers that do not need
 * replay should prefer the forms without a timestamp. A timestamp earlier than one already seen for a
 * client never corrupts its state: see {@code docs/algorithms.md}, "Time that goes backwards".
 *
 * <p>A client key is any string (an API key, a user id, an address). A {@code long} key names the
 * same client as its decimal string: {@code check(42L, …)} and {@code check("42", …)} share state.
 *
 * <p>Implementations are thread-safe; a denied request consumes nothing.
 */
public interface RateLimiter {

  /** The rule this limiter enforces. */
  Rule rule();

  /** The time source used by the methods without an explicit timestamp. */
  TimeSource timeSource();

  /**
   * Decides a request of {@code cost} permits at {@code nowMicros}.
   *
   * @throws IllegalArgumentException if the key is null, {@code cost < 1}, or the timestamp is
   *     negative or beyond {@link Limit#MAX_TIME}
   */
  Decision check(CharSequence key, long cost, long nowMicros);

  /** As {@link #check(CharSequence, long, long)}, for the client named by a number. */
  Decision check(long key, long cost, long nowMicros);

  /**
   * Decides a request and returns only whether it was allowed. By default this is
   * {@code check(key, cost, nowMicros).allowed()}; an engine that can answer without building a
   * {@link Decision} overrides it (on the in-memory engine this path allocates nothing).
   *
   * @throws IllegalArgumentException as {@link #check(CharSequence, long, long)}
   */
  default boolean tryAcquire(CharSequence key, long cost, long nowMicros) {
    return check(key, cost, nowMicros).allowed();
  }

  /** As {@link #tryAcquire(CharSequence, long, long)}, for the client named by a number. */
  default boolean tryAcquire(long key, long cost, long nowMicros) {
    return check(key, cost, nowMicros).allowed();
  }

  /** Decides a request of {@code cost} permits now. */
  default Decision check(CharSequence key, long cost) {
    return check(key, cost, timeSource().nowMicros());
  }

  /** Decides a request of one permit now. */
  default Decision check(CharSequence key) {
    return check(key, 1, timeSource().nowMicros());
  }

  /** Whether a request of one permit is allowed now. */
  default boolean tryAcquire(CharSequence key) {
    return tryAcquire(key, 1, timeSource().nowMicros());
  }

  /** Whether a request of one permit is allowed now, for the client named by a number. */
  default boolean tryAcquire(long key) {
    return tryAcquire(key, 1, timeSource().nowMicros());
  }

  /**
   * Decides a request now, by the backend's clock, without blocking the caller; backends that
   * talk to a server pipeline these over one connection. The in-memory engine answers at once.
   */
  default CompletionStage<Decision> checkAsync(CharSequence key, long cost) {
    try {
      return checkAsync(key, cost, timeSource().nowMicros());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Decides a request at {@code nowMicros} without blocking the caller; backends that talk to a
   * server pipeline these over one connection. The in-memory engine answers at once.
   */
  default CompletionStage<Decision> checkAsync(CharSequence key, long cost, long nowMicros) {
    try {
      return CompletableFuture.completedFuture(check(key, cost, nowMicros));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
