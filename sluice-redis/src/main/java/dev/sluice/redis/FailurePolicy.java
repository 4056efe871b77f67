package dev.sluice.redis;

import java.time.Duration;

/**
 * What a check decides when Redis cannot: its shard's circuit breaker is open, the command timed
 * out, or the connection failed. Every decision a policy makes has {@code degraded = true}, and no
 * exception of the backend ever reaches the caller.
 *
 * <p>Immutable values; chosen per rule with {@link RedisEngine.Builder#policy(String,
 * FailurePolicy)}.
 */
public sealed interface FailurePolicy {

  /** Allow every request while Redis is unreachable (availability over protection). */
  static FailurePolicy failOpen() {
    return FailOpen.INSTANCE;
  }

  /**
   * Deny every request while Redis is unreachable; the decision's {@code retryAfterMicros} is the
   * time until the breaker next probes Redis, or one second when it is not open.
   */
  static FailurePolicy failClosed() {
    return FailClosed.INSTANCE;
  }

  /** Decide with an in-memory engine in this process, with the rule's full limits. */
  static FailurePolicy local() {
    return new Local(1.0);
  }

  /**
   * Decide with an in-memory engine in this process, with each limit's permits (and burst) scaled
   * by {@code share}, rounded down but at least one: with {@code k} instances behind one Redis, a
   * share of {@code 1/k} keeps the whole fleet near the global limit during an outage.
   *
   * @param share the part of each limit this instance may grant alone, {@code 0 < share <= 1}
   * @throws IllegalArgumentException naming the value when it is outside {@code (0, 1]}
   */
  static FailurePolicy local(double share) {
    return new Local(share);
  }

  /** Allows while Redis is unreachable. */
  enum FailOpen implements FailurePolicy {
    /** The only instance. */
    INSTANCE
  }

  /** Denies while Redis is unreachable. */
  enum FailClosed implements FailurePolicy {
    /** The only instance. */
    INSTANCE;

    static final Duration DEFAULT_RETRY = Duration.ofSeconds(1);
  }

  /**
   * Decides with the in-memory engine on limits scaled by {@code share}.
   *
   * @param share the part of each limit granted locally, {@code 0 < share <= 1}
   */
  record Local(double share) implements FailurePolicy {
    /** Validates the share. */
    public Local {
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("local share " + share + " must be in (0, 1]");
      }
    }
  }
}
