package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Limits and timestamps at the edges of their ranges (huge permits, one-microsecond and
 * nine-year windows, times 0 and 2^53 - 1, huge jumps back and forth): decisions stay
 * self-consistent and nothing overflows.
 */
class ExtremeValuesTest {

  static long[] seeds() {
    long[] seeds = new long[30];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = 0xE0E0L * 31 + i;
    }
    return seeds;
  }

  private static long pick(SplittableRandom r, long... values) {
    return values[r.nextInt(values.length)];
  }

  private static Limit randomLimit(SplittableRandom r) {
    Algorithm a = Algorithm.values()[r.nextInt(Algorithm.values().length)];
    long window = pick(r, 1, 7, 1_000_000, 86_400_000_000L, 1L << 48);
    long permits = pick(r, 0, 1, 3, 1_000_000, 1L << 40, Limit.MAX_PERMITS);
    if (a == Algorithm.SLIDING_WINDOW_COUNTER) {
      permits = Math.min(permits, ((1L << 61) - 1) / window);
    }
    Limit limit;
    try {
      limit = Limit.of(a, permits, Duration.ofNanos(window * 1_000));
    } catch (IllegalArgumentException beyondExactRange) {
      assertThat(beyondExactRange).hasMessageContaining(Long.toString(permits));
      return randomLimit(r);
    }
    if ((a == Algorithm.TOKEN_BUCKET || a == Algorithm.GCRA) && permits > 0 && r.nextBoolean()) {
      try {
        limit = limit.withBurst(pick(r, 1, 2, permits, Math.max(1, permits / 3)));
      } catch (IllegalArgumentException tooLarge) {
        // Some bursts exceed the exact-arithmetic range for this rate: keep the default.
      }
    }
    return limit;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void decisionsStaySelfConsistent_atTheEdges(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Limit limit = randomLimit(r);
    RateLimiter limiter = InMemoryEngine.create().limiter(Rule.of("edge", limit));
    long cap = limit.algorithm() == Algorithm.TOKEN_BUCKET || limit.algorithm() == Algorithm.GCRA
        ? limit.burst() : limit.permits();
    for (int i = 0; i < 300; i++) {
      long t = pick(r, 0, 1, Limit.MAX_TIME, Limit.MAX_TIME - 1, Limit.MAX_TIME / 2,
          r.nextLong(Limit.MAX_TIME + 1));
      long cost = pick(r, 1, 2, Math.max(1, cap), cap + 1, Limit.MAX_PERMITS);
      Decision d = limiter.check("k" + r.nextInt(3), cost, t);
      String where = "seed " + seed + " step " + i + " " + limit + " t=" + t + " cost=" + cost;
      assertThat(d.remaining()).as(where).isBetween(0L, Math.max(cap, limit.permits()));
      if (d.allowed()) {
        assertThat(d.retryAfterMicros()).as(where).isZero();
        assertThat(d.resetAtMicros()).as(where).isGreaterThanOrEqualTo(t);
      } else {
        assertThat(d.retryAfterMicros()).as(where).isPositive();
        if (cost > cap) {
          assertThat(d.retryAfterMicros()).as(where).isEqualTo(Decision.NEVER);
        }
      }
    }
  }
}
