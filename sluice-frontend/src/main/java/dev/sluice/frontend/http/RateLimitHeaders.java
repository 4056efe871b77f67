package dev.sluice.frontend.http;

import dev.sluice.Decision;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.response.RateLimitFields;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * Writes the rate-limit fields of a decision ({@link RateLimitFields}, which defines them) into a
 * Vert.x response's headers.
 */
public final class RateLimitHeaders {
  // Header names encoded once (Vert.x writes them without re-encoding), by field.
  private static final CharSequence[] NAMES;

  static {
    RateLimitFields.Field[] fields = RateLimitFields.Field.values();
    NAMES = new CharSequence[fields.length];
    for (RateLimitFields.Field f : fields) {
      NAMES[f.ordinal()] = HttpHeaders.createOptimized(f.header());
    }
  }

  private RateLimitHeaders() {}

  /** As {@link RateLimitFields#capacity}. */
  public static long capacity(RuleDefinition r, Decision d) {
    return RateLimitFields.capacity(r, d);
  }

  /** As {@link RateLimitFields#secondsUntil}. */
  static long secondsUntil(long atMicros, long nowMicros) {
    return RateLimitFields.secondsUntil(atMicros, nowMicros);
  }

  /** As {@link RateLimitFields#epochSecondsCeil}. */
  public static long epochSecondsCeil(long micros) {
    return RateLimitFields.epochSecondsCeil(micros);
  }

  /** As {@link RateLimitFields#retryAfterSeconds}. */
  public static long retryAfterSeconds(long retryAfterMicros) {
    return RateLimitFields.retryAfterSeconds(retryAfterMicros);
  }

  /** Adds the fields of {@code outcome} decided at {@code nowMicros}. */
  public static void add(MultiMap h, Outcome outcome, long nowMicros) {
    RateLimitFields.write(outcome, nowMicros, (f, v) -> h.add(NAMES[f.ordinal()], v));
  }

  /** As {@link RateLimitFields#policy}. */
  static String policy(RuleDefinition r) {
    return RateLimitFields.policy(r);
  }
}
