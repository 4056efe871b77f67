package dev.sluice.server.http;

import dev.sluice.Decision;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.LimitDefinition;
import dev.sluice.rules.RuleDefinition;
import io.vertx.core.MultiMap;
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
  private RateLimitHeaders() {}

  /**
   * What {@code remaining} of the reported limit counts down from: the burst of a token bucket
   * or GCRA meter, else the permits per window.
   */
  static long capacity(RuleDefinition r, Decision d) {
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
  static long epochSecondsCeil(long micros) {
    return (micros + 999_999) / 1_000_000;
  }

  /** Adds the fields of {@code outcome} decided at {@code nowMicros}. */
  public static void add(MultiMap h, Outcome outcome, long nowMicros) {
    Decision d = outcome.decision();
    RuleDefinition r = outcome.rule();
    if (d == null || r == null) {
      return;
    }
    h.add("X-RateLimit-Limit", Long.toString(capacity(r, d)));
    h.add("X-RateLimit-Remaining", Long.toString(d.remaining()));
    boolean never = d.resetAtMicros() == Decision.NEVER;
    if (!never) {
      h.add("X-RateLimit-Reset", Long.toString(epochSecondsCeil(d.resetAtMicros())));
    }
    if (!outcome.allowed() && d.retryAfterMicros() != Decision.NEVER) {
      h.add("Retry-After", Long.toString(Math.max(1, (d.retryAfterMicros() + 999_999)
          / 1_000_000)));
    }
    h.add("RateLimit-Policy", policy(r));
    h.add("RateLimit", "\"" + r.id() + "." + d.limitIndex() + "\";r=" + d.remaining()
        + (never ? "" : ";t=" + secondsUntil(d.resetAtMicros(), nowMicros)));
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
