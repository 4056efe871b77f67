package dev.sluice.frontend.http;

import dev.sluice.Decision;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.LimitDefinition;
import dev.sluice.rules.RuleDefinition;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * The rate-limit fields of a response, all derived from one decision (see docs/http.md):
 *
 * <ul>
 *   <li>{@code X-RateLimit-Limit}: the capacity of the reported limit: its {@code max}, or for
 *       token-bucket and GCRA limits its burst (what {@code remaining} counts down from);
 *   <li>{@code X-RateLimit-Remaining}: permits left in it after this request;
 *   <li>{@code X-RateLimit-Reset}: when it is full again, Unix seconds (rounded up);
 *   <li>{@code Retry-After}: on a denial, seconds to wait (rounded up, at least 1); absent when
 *       waiting can never help (the cost exceeds the limit, or a block rule);
 *   <li>{@code RateLimit-Policy} (IETF draft): every limit of the rule,
 *       {@code "<rule>.<index>";q=<max>;w=<window seconds>}, window rounded up to a second;
 *   <li>{@code RateLimit} (IETF draft): the reported limit,
 *       {@code "<rule>.<index>";r=<remaining>;t=<seconds until reset>}.
 * </ul>
 */
public final class RateLimitHeaders {
  // Header names encoded once (Vert.x writes them without re-encoding).
  private static final CharSequence LIMIT = HttpHeaders.createOptimized("X-RateLimit-Limit");
  private static final CharSequence REMAINING =
      HttpHeaders.createOptimized("X-RateLimit-Remaining");
  private static final CharSequence RESET = HttpHeaders.createOptimized("X-RateLimit-Reset");
  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  private static final CharSequence POLICY = HttpHeaders.createOptimized("RateLimit-Policy");
  private static final CharSequence RATE_LIMIT = HttpHeaders.createOptimized("RateLimit");
  /** Recent rules' policy values, by identity: a rule's value never changes. Racy by design. */
  private static final PolicyOf[] POLICIES = new PolicyOf[64];

  private record PolicyOf(RuleDefinition rule, String value) {}

  private RateLimitHeaders() {}

  /**
   * What {@code remaining} of the reported limit counts down from: the burst of a token bucket
   * or GCRA meter, else the permits per window.
   */
  public static long capacity(RuleDefinition r, Decision d) {
    dev.sluice.Limit l = r.limits().get(d.limitIndex()).limit();
    return switch (l.algorithm()) {
      case TOKEN_BUCKET, GCRA -> l.burst();
      default -> l.permits();
    };
  }

  /** Seconds from {@code nowMicros} until {@code atMicros}, rounded up, at least 0. */
  static long secondsUntil(long atMicros, long nowMicros) {
    if (atMicros <= nowMicros) {
      return 0;
    }
    return (atMicros - nowMicros + 999_999) / 1_000_000;
  }

  /** Unix seconds of {@code micros}, rounded up. */
  public static long epochSecondsCeil(long micros) {
    return (micros + 999_999) / 1_000_000;
  }

  /** A wait of {@code retryAfterMicros} in whole seconds, rounded up, at least 1. */
  public static long retryAfterSeconds(long retryAfterMicros) {
    return Math.max(1, (retryAfterMicros + 999_999) / 1_000_000);
  }

  /** Adds the fields of {@code outcome} decided at {@code nowMicros}. */
  public static void add(MultiMap h, Outcome outcome, long nowMicros) {
    Decision d = outcome.decision();
    RuleDefinition r = outcome.rule();
    if (d == null || r == null) {
      return;
    }
    h.add(LIMIT, Long.toString(capacity(r, d)));
    h.add(REMAINING, Long.toString(d.remaining()));
    boolean never = d.resetAtMicros() == Decision.NEVER;
    if (!never) {
      h.add(RESET, Long.toString(epochSecondsCeil(d.resetAtMicros())));
    }
    if (!outcome.allowed() && d.retryAfterMicros() != Decision.NEVER) {
      h.add(RETRY_AFTER, Long.toString(retryAfterSeconds(d.retryAfterMicros())));
    }
    h.add(POLICY, cachedPolicy(r));
    h.add(RATE_LIMIT, "\"" + r.id() + "." + d.limitIndex() + "\";r=" + d.remaining()
        + (never ? "" : ";t=" + secondsUntil(d.resetAtMicros(), nowMicros)));
  }

  private static String cachedPolicy(RuleDefinition r) {
    int slot = System.identityHashCode(r) & (POLICIES.length - 1);
    PolicyOf p = POLICIES[slot];
    if (p != null && p.rule() == r) {
      return p.value();
    }
    String v = policy(r);
    POLICIES[slot] = new PolicyOf(r, v);
    return v;
  }

  /** The {@code RateLimit-Policy} value of a rule; the same for every response of the rule. */
  static String policy(RuleDefinition r) {
    StringBuilder sb = new StringBuilder();
    List<LimitDefinition> ls = r.limits();
    for (int i = 0; i < ls.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      long w = (ls.get(i).limit().windowMicros() + 999_999) / 1_000_000;
      sb.append('"').append(r.id()).append('.').append(i).append("\";q=")
          .append(ls.get(i).limit().permits()).append(";w=").append(w);
    }
    return sb.toString();
  }
}
