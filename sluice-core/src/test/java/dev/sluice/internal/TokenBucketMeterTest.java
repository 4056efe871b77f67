package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import java.math.BigInteger;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The token bucket's refill, computed without a division on the hot path, against the formula of
 * {@code docs/algorithms.md} in unbounded integers: {@code units(te) = min(B * w, s + (te - T) * n)}
 * at {@code te = max(t, T)}. Rates, bursts, states and times are drawn to reach the overflow bound
 * of {@code (te - T) * n} (elapsed times near {@code Long.MAX_VALUE / n}, huge rates, timestamps
 * before {@code T}).
 */
class TokenBucketMeterTest {
  static LongStream seeds() {
    long base = System.nanoTime();
    return LongStream.range(0, 8).map(i -> base + i);
  }

  private static long drawTime(SplittableRandom r) {
    return switch (r.nextInt(3)) {
      case 0 -> r.nextLong(1L << 20);
      case 1 -> r.nextLong(Long.MAX_VALUE / 2);
      default -> Long.MAX_VALUE / 4 + r.nextLong(1L << 30);
    };
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void refill_matchesUnboundedArithmetic_upToTheOverflowBound(long seed) {
    System.out.println("TokenBucketMeterTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int checked = 0;
    for (int round = 0; round < 2_000; round++) {
      long permits = switch (r.nextInt(3)) {
        case 0 -> 1 + r.nextLong(10);
        case 1 -> 1 + r.nextLong(1_000_000_000L);
        default -> 1 + r.nextLong(1L << 40);
      };
      Duration window = Duration.ofNanos(1_000 * (1 + r.nextLong(r.nextBoolean() ? 10 : 1L << 36)));
      long burst = 1 + r.nextLong(permits);
      Limit limit;
      try {
        limit = Limit.tokenBucket(permits, window).withBurst(burst);
      } catch (IllegalArgumentException beyondExactIntegers) {
        continue;  // a rate Limit refuses (B * w beyond 2^61): not a state the meter can hold
      }
      checked++;
      TokenBucketMeter meter = new TokenBucketMeter(limit);
      BigInteger n = BigInteger.valueOf(limit.rateNumerator());
      BigInteger w = BigInteger.valueOf(limit.rateDenominatorMicros());
      BigInteger full = BigInteger.valueOf(burst).multiply(w);
      long t0 = drawTime(r);
      long s = r.nextInt(4) == 0 ? full.longValueExact() : r.nextLong(full.longValueExact() + 1);
      long[] a = {t0, s};
      long t = r.nextInt(5) == 0 ? t0 - r.nextLong(1_000_000) : t0 + switch (r.nextInt(4)) {
        case 0 -> r.nextLong(1_000);
        case 1 -> Long.MAX_VALUE / limit.rateNumerator() - 2 + r.nextLong(5);
        case 2 -> r.nextLong(Long.MAX_VALUE - t0);
        default -> full.subtract(BigInteger.valueOf(s)).divide(n).longValue() - 1 + r.nextLong(3);
      };
      if (t < 0) {
        t = t0;
      }
      long te = Math.max(t, t0);
      BigInteger units = BigInteger.valueOf(te - t0).multiply(n).add(BigInteger.valueOf(s))
          .min(full);
      long expected = units.divide(w).longValueExact();
      assertThat(meter.remaining(a, 0, null, t))
          .as("seed %d: %s, state [%d, %d], t %d", seed, limit, t0, s, t).isEqualTo(expected);
      long c = 1 + r.nextLong(burst);
      boolean admits = units.compareTo(BigInteger.valueOf(c).multiply(w)) >= 0;
      assertThat(meter.admits(a, 0, null, t, c))
          .as("seed %d: %s, state [%d, %d], t %d, cost %d", seed, limit, t0, s, t, c)
          .isEqualTo(admits);
      if (admits) {
        meter.consume(a, 0, null, t, c);
        assertThat(a).as("seed %d: state after consuming %d", seed, c).containsExactly(te,
            units.subtract(BigInteger.valueOf(c).multiply(w)).longValueExact());
      }
    }
    assertThat(checked).as("seed %d: rounds with a valid limit", seed).isGreaterThan(500);
  }
}
