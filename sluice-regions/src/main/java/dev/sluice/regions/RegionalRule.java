package dev.sluice.regions;

import dev.sluice.Limit;
import dev.sluice.Rule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A rule as the regional engine splits it: its reference limit (the one with the longest window,
 * the first on ties) whose permits are the global total split into allocations, its epoch (that
 * window: allocations change only at multiples of it), and the regional rule of each allocation
 * (every limit's permits and burst scaled by {@code allocation / total}, rounded down). Immutable
 * apart from a cache; thread-safe.
 */
final class RegionalRule {
  final Rule rule;
  final String tag;
  final int reference;
  final long total;
  final long epochMicros;
  final Allocations allocations;
  private final ConcurrentHashMap<Long, Rule> scaled = new ConcurrentHashMap<>();

  RegionalRule(Rule rule, Allocations.Factory factory) {
    this.rule = rule;
    int ref = 0;
    for (int i = 1; i < rule.limits().size(); i++) {
      if (rule.limits().get(i).windowMicros() > rule.limits().get(ref).windowMicros()) {
        ref = i;
      }
    }
    this.reference = ref;
    this.total = rule.limits().get(ref).permits();
    this.epochMicros = rule.limits().get(ref).windowMicros();
    this.allocations = factory.of(total);
    this.tag = tag(rule);
  }

  /** The rule a region enforces with {@code allocation} of the reference limit's permits. */
  Rule regional(long allocation) {
    return scaled.computeIfAbsent(allocation, this::scale);
  }

  private Rule scale(long allocation) {
    return allocation == total ? rule : rule.scaled(v -> share(v, allocation));
  }

  /** {@code floor(value * allocation / total)} without overflow. */
  private long share(long value, long allocation) {
    return java.math.BigInteger.valueOf(value).multiply(java.math.BigInteger.valueOf(allocation))
        .divide(java.math.BigInteger.valueOf(total)).longValueExact();
  }

  /**
   * The most permits a rule may admit in one epoch under the reference limit of {@code rule}:
   * its permits for the window algorithms, permits plus burst for a token bucket or GCRA meter
   * (full at the start of the epoch, refilled during it). The guard against a region's Redis
   * that lost its state.
   */
  long epochCap(Rule regionalRule) {
    Limit l = regionalRule.limits().get(reference);
    return switch (l.algorithm()) {
      case TOKEN_BUCKET, GCRA -> l.permits() + l.burst();
      default -> l.permits();
    };
  }

  /** A stable tag of id and limits (the exchange names rules by it in every region). */
  private static String tag(Rule rule) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(
          (rule.id() + "\n" + rule.limits()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
