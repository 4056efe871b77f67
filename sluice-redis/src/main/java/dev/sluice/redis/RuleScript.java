package dev.sluice.redis;

import dev.sluice.Algorithm;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.redis.link.Script;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One rule as the check script sees it: the per-limit arguments, precomputed once, and the suffix
 * of its keys. Every limit that {@link Limit} accepts is decided exactly (products up to 2^61 are
 * wide values in the scripts).
 */
final class RuleScript {
  private final Rule rule;
  private final String[] limitArgs;
  private final String keySuffix;
  private final long[] capacity;
  private final Script check;
  private final boolean compiled;

  RuleScript(Rule rule) {
    this.rule = rule;
    List<Limit> limits = rule.limits();
    List<String> a = new ArrayList<>();
    this.capacity = new long[limits.size()];
    a.add(Integer.toString(limits.size()));
    for (int i = 0; i < limits.size(); i++) {
      Limit l = limits.get(i);
      a.add(Integer.toString(code(l.algorithm())));
      switch (l.algorithm()) {
        case TOKEN_BUCKET, GCRA -> {
          a.add(Long.toString(l.burst()));
          a.add(Long.toString(l.rateNumerator()));
          a.add(Long.toString(l.rateDenominatorMicros()));
        }
        default -> {
          a.add(Long.toString(l.permits()));
          a.add(Long.toString(l.windowMicros()));
        }
      }
      capacity[i] = l.burst();
    }
    this.limitArgs = a.toArray(String[]::new);
    this.keySuffix = ":" + tag(rule);
    List<Algorithm> shape = limits.stream().map(Limit::algorithm).toList();
    Script c = CheckScripts.compiled(shape, limitArgs);
    this.compiled = c != null;
    this.check = compiled ? c : CheckScripts.check(shape);
  }

  /**
   * The check script of this rule: its parameters compiled in when {@link #compiled()}, else
   * its shape's (or the library's) with the parameters in ARGV. Called with {@link #args}.
   */
  Script check() {
    return check;
  }

  /** Whether {@link #check()} has this rule's parameters compiled in (ARGV is t, cost, pad). */
  boolean compiled() {
    return compiled;
  }

  private static int code(Algorithm a) {
    return switch (a) {
      case FIXED_WINDOW -> 1;
      case SLIDING_WINDOW_LOG -> 2;
      case SLIDING_WINDOW_COUNTER -> 3;
      case TOKEN_BUCKET -> 4;
      case GCRA -> 5;
    };
  }

  /**
   * A short stable tag for the rule (id and limits): 48 bits of SHA-256 in 8 base64url
   * characters. Equal rules share keys; changing a rule's limits starts fresh keys (the old ones
   * expire by their TTL).
   */
  static String tag(Rule rule) {
    StringBuilder sb = new StringBuilder(rule.id());
    for (Limit l : rule.limits()) {
      sb.append('|').append(l.algorithm()).append(',').append(l.permits()).append(',')
          .append(l.windowMicros()).append(',').append(l.burst());
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  Rule rule() {
    return rule;
  }

  /**
   * The rule's part of a script's ARGV: k, then per limit its algorithm code and parameters
   * (permits and window for the window algorithms; burst, n and w for the token bucket and
   * GCRA), as {@code 90_check.lua} documents.
   */
  String[] limitArgs() {
    return limitArgs;
  }


  String keySuffix() {
    return keySuffix;
  }

  /**
   * {@link #check()}'s ARGV for one request: {@code t} (negative for server time), cost, grace,
   * and when the script is not {@link #compiled()} the rule's {@link #limitArgs()}.
   */
  String[] args(long t, long cost, long graceMillis) {
    if (compiled) {
      return new String[] {Long.toString(t), Long.toString(cost), Long.toString(graceMillis)};
    }
    return fullArgs(t, cost, graceMillis);
  }

  /**
   * The ARGV of {@link CheckScripts#CHECK} and of the shape's script for one request: t, cost,
   * grace and the rule's {@link #limitArgs()}.
   */
  String[] fullArgs(long t, long cost, long graceMillis) {
    String[] args = new String[3 + limitArgs.length];
    args[0] = Long.toString(t);
    args[1] = Long.toString(cost);
    args[2] = Long.toString(graceMillis);
    System.arraycopy(limitArgs, 0, args, 3, limitArgs.length);
    return args;
  }

  /**
   * When the decision needs no state: the lowest-index limit that can never admit the cost is a
   * block rule (permits 0). Returns its index, or -1.
   */
  int staticDenial(long cost) {
    for (int i = 0; i < capacity.length; i++) {
      if (cost > capacity[i]) {
        return rule.limits().get(i).permits() == 0 ? i : -1;
      }
    }
    return -1;
  }
}
