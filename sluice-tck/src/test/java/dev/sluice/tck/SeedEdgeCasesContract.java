package dev.sluice.tck;

import static dev.sluice.tck.ConformanceFixture.allowed;
import static dev.sluice.tck.ConformanceFixture.denied;
import static dev.sluice.tck.ConformanceFixture.micros;
import static dev.sluice.tck.ConformanceFixture.nPerT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The edge cases the seed implementation was tested with, for a limiter of N per T (see
 * {@link ConformanceFixture#nPerT}: GCRA gets a burst of N). Timestamps are aligned to T where the
 * window algorithms care.
 */
public interface SeedEdgeCasesContract extends ConformanceFixture {

  long SECOND = 1_000_000;
  long DAY = 86_400 * SECOND;

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void check_firstRequestIsAllowed(Algorithm algorithm) {
    RateLimiter rl = limiter(nPerT(algorithm, 5, Duration.ofSeconds(1)));
    Decision d = rl.check("first", 1, CLOCK_START + 123);
    assertThat(d.allowed()).isTrue();
    assertThat(d.limit()).isEqualTo(5);
    assertThat(d.remaining()).isEqualTo(4);
    assertThat(d.retryAfterMicros()).isZero();
    assertThat(d.limitIndex()).isZero();
    assertThat(d.degraded()).isFalse();
    assertThat(d.resetAtMicros()).isGreaterThan(CLOCK_START + 123);
  }

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = "SLIDING_WINDOW_COUNTER",
      mode = EnumSource.Mode.EXCLUDE)
  default void check_fullBurstAtTThenAnotherFullBurstAtTPlusWindow(Algorithm algorithm) {
    RateLimiter rl = limiter(nPerT(algorithm, 5, Duration.ofSeconds(1)));
    long t = CLOCK_START + 250_000;
    for (int i = 0; i < 5; i++) {
      assertThat(rl.tryAcquire("a", 1, t)).isTrue();
    }
    assertThat(rl.tryAcquire("a", 1, t)).isFalse();
    for (int i = 0; i < 5; i++) {
      assertThat(rl.check("a", 1, t + SECOND).remaining()).isEqualTo(4 - i);
    }
    assertThat(rl.tryAcquire("a", 1, t + SECOND)).isFalse();
  }

  @Requires(algorithms = Algorithm.SLIDING_WINDOW_COUNTER)
  @Test
  default void slidingCounter_fullWindowStillWeighsOnTheNextWindowStart() {
    // The counter approximates: at the very start of the next window the previous one weighs in
    // full, so N at t then one at t + T is denied; a fifth of a window later it is allowed.
    RateLimiter rl = limiter(Limit.slidingWindowCounter(5, Duration.ofSeconds(1)));
    long t = CLOCK_START;
    assertThat(rl.check("a", 5, t)).isEqualTo(allowed(5, 0, t + 2 * SECOND));
    assertThat(rl.check("a", 1, t + SECOND))
        .isEqualTo(denied(5, 0, t + 2 * SECOND, 200_000));
    assertThat(rl.check("a", 1, t + SECOND + 200_000))
        .isEqualTo(allowed(5, 0, t + 3 * SECOND));
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void check_manyAtOneTimestampAdmitExactlyTheLimit(Algorithm algorithm) {
    RateLimiter rl = limiter(nPerT(algorithm, 100, Duration.ofSeconds(1)));
    long admitted = 0;
    for (int i = 0; i < 1_000; i++) {
      if (rl.tryAcquire("a", 1, CLOCK_START)) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(100);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void check_deniesTheRequestAfterAFullBurst(Algorithm algorithm) {
    RateLimiter rl = limiter(nPerT(algorithm, 5, Duration.ofSeconds(1)));
    long t = CLOCK_START;
    for (int i = 0; i < 5; i++) {
      assertThat(rl.check("a", 1, t).remaining()).isEqualTo(4 - i);
    }
    long resetAt = switch (algorithm) {
      case FIXED_WINDOW, SLIDING_WINDOW_LOG, TOKEN_BUCKET, GCRA -> t + SECOND;
      case SLIDING_WINDOW_COUNTER -> t + 2 * SECOND;
    };
    long retryAfter = switch (algorithm) {
      case FIXED_WINDOW, SLIDING_WINDOW_LOG -> SECOND;
      // The next window, at e = W - floor((N - 1) * W / N) = 200ms.
      case SLIDING_WINDOW_COUNTER -> SECOND + 200_000;
      // One token, one emission interval.
      case TOKEN_BUCKET, GCRA -> 200_000;
    };
    assertThat(rl.check("a", 1, t)).isEqualTo(denied(5, 0, resetAt, retryAfter));
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void check_longInactivityRestoresTheFullLimit(Algorithm algorithm) {
    RateLimiter rl = limiter(nPerT(algorithm, 5, Duration.ofSeconds(1)));
    assertThat(rl.check("a", 5, CLOCK_START).remaining()).isZero();
    long later = CLOCK_START + 10 * 365 * DAY;
    long resetAt = switch (algorithm) {
      case FIXED_WINDOW, SLIDING_WINDOW_LOG -> later + SECOND;
      case SLIDING_WINDOW_COUNTER -> later + 2 * SECOND;
      case TOKEN_BUCKET, GCRA -> later + 200_000;
    };
    assertThat(rl.check("a", 1, later)).isEqualTo(allowed(5, 4, resetAt));
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void check_handlesAMillionPermitsPerDay(Algorithm algorithm) {
    long n = 1_000_000;
    RateLimiter rl = limiter(nPerT(algorithm, n, Duration.ofDays(1)));
    long t = CLOCK_START - CLOCK_START % DAY;
    for (int i = 0; i < 1_000; i++) {
      assertThat(rl.tryAcquire("a", 1, t)).isTrue();
    }
    for (int i = 0; i < 999; i++) {
      assertThat(rl.tryAcquire("a", 1_000, t)).isTrue();
    }
    long interval = DAY / n;
    long resetAt = switch (algorithm) {
      case FIXED_WINDOW, SLIDING_WINDOW_LOG, TOKEN_BUCKET, GCRA -> t + DAY;
      case SLIDING_WINDOW_COUNTER -> t + 2 * DAY;
    };
    long retryAfter = switch (algorithm) {
      case FIXED_WINDOW, SLIDING_WINDOW_LOG -> DAY;
      case SLIDING_WINDOW_COUNTER -> DAY + interval;
      case TOKEN_BUCKET, GCRA -> interval;
    };
    assertThat(rl.check("a", 1, t)).isEqualTo(denied(n, 0, resetAt, retryAfter));
    assertThat(rl.check("a", 1, t + 2 * DAY)).isEqualTo(allowed(n, n - 1,
        algorithm == Algorithm.SLIDING_WINDOW_COUNTER ? t + 4 * DAY
            : algorithm == Algorithm.FIXED_WINDOW || algorithm == Algorithm.SLIDING_WINDOW_LOG
                ? t + 3 * DAY : t + 2 * DAY + interval));
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void check_oneClientExhaustedLeavesOthersUntouched(Algorithm algorithm) {
    RateLimiter rl = limiter(nPerT(algorithm, 3, Duration.ofSeconds(1)));
    long t = CLOCK_START;
    assertThat(rl.check("a", 3, t).allowed()).isTrue();
    assertThat(rl.check("a", 1, t).allowed()).isFalse();
    for (String other : new String[] {"b", "c", "A", "a2"}) {
      assertThat(rl.check(other, 1, t).remaining()).as(other).isEqualTo(2);
    }
    assertThat(rl.check(1L, 3, t).allowed()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "GCRA"})
  default void check_bucketsAdmitExactlyBurstPlusRateTimesElapsedOverAMillionSteps(
      Algorithm algorithm) {
    RateLimiter rl = limiter(Limit.of(algorithm, 3, micros(10)).withBurst(3));
    long start = 5_000_000;
    long steps = longRunSteps();
    long admitted = 0;
    for (long t = start; t < start + steps; t++) {
      if (rl.tryAcquire("a", 1, t)) {
        admitted++;
      }
    }
    // B + floor(elapsed * N / W): 3 + floor(999_999 * 3 / 10) = 300_002 for a million steps.
    assertThat(admitted).isEqualTo(3 + (steps - 1) * 3 / 10);
  }
}
