package dev.sluice.rules.response;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.rules.LimitDefinition;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.decide.Outcome;
import java.util.List;

/**
 * The rate-limit fields of an HTTP response, all derived from one decision: the one
 * implementation every front end writes into its own header type (see docs/http.md).
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
 *
 * <p>Thread-safe.
 */
public final class RateLimitFields {
  /** Recent rules' policy values, by identity: a rule's value never changes. Racy by design. */
  private static final PolicyOf[] POLICIES = new PolicyOf[64];

  private record PolicyOf(RuleDefinition rule, String value) {}

  /** One field, in the order {@link #write} emits them. */
  public enum Field {
    LIMIT("X-RateLimit-Limit"),
    REMAINING("X-RateLimit-Remaining"),
    RESET("X-RateLimit-Reset"),
    RETRY_AFTER("Retry-After"),
    POLICY("RateLimit-Policy"),
    RATE_LIMIT("RateLimit");

    private final String header;

    Field(String header) {
      this.header = header;
    }

    /** The header name, as sent. */
    public String header() {
      return header;
    }
  }

  /** Receives the fields of one response. */
  @FunctionalInterface
  public interface Sink {
    /** Adds {@code value} as {@code field}. */
    void add(Field field, String value);
  }

  private RateLimitFields() {}

  /**
   * Emits the fields of {@code outcome} decided at {@code nowMicros} to {@code sink}; nothing
   * when no rule or no limit decided.
   */
  public static void write(Outcome outcome, long nowMicros, Sink sink) {
    Decision d = outcome.decision();
    RuleDefinition r = outcome.rule();
    if (d == null || r == null) {
      return;
    }
    sink.add(Field.LIMIT, Long.toString(capacity(r, d)));
    sink.add(Field.REMAINING, Long.toString(d.remaining()));
    boolean never = d.resetAtMicros() == Decision.NEVER;
    if (!never) {
      sink.add(Field.RESET, Long.toString(epochSecondsCeil(d.resetAtMicros())));
    }
    if (!outcome.allowed() && d.retryAfterMicros() != Decision.NEVER) {
      sink.add(Field.RETRY_AFTER, Long.toString(retryAfterSeconds(d.retryAfterMicros())));
    }
    sink.add(Field.POLICY, cachedPolicy(r));
    sink.add(Field.RATE_LIMIT, "\"" + r.id() + "." + d.limitIndex() + "\";r=" + d.remaining()
        + (never ? "" : ";t=" + secondsUntil(d.resetAtMicros(), nowMicros)));
  }

  /**
   * What {@code remaining} of the reported limit counts down from: the burst of a token bucket
   * or GCRA meter, else the permits per window.
   */
  public static long capacity(RuleDefinition r, Decision d) {
    Limit l = r.limits().get(d.limitIndex()).limit();
    return switch (l.algorithm()) {
      case TOKEN_BUCKET, GCRA -> l.burst();
      default -> l.permits();
    };
  }

  /** Seconds from {@code nowMicros} until {@code atMicros}, rounded up, at least 0. */
  public static long secondsUntil(long atMicros, long nowMicros) {
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
  public static String policy(RuleDefinition r) {
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
