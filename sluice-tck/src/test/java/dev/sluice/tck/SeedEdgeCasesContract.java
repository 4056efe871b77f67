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

  /** The seed's worked example: N = 2, T = 5us; t = 1 and 2 allowed, 3 denied, 6 allowed. */
  @Requires(algorithms = {Algorithm.FIXED_WINDOW, Algorithm.SLIDING_WINDOW_LOG, Algorithm.TOKEN_BUCKET, Algorithm.GCRA, Algorithm.SLIDING_WINDOW_COUNTER})
  @Test
  default void check_workedExampleTwoPerFiveMicros() {
    Duration five = micros(5);
    RateLimiter fixed = limiter(Limit.fixedWindow(2, five));
    assertThat(fixed.check("a", 1, 1)).isEqualTo(allowed(2, 1, 5));
    assertThat(fixed.check("a", 1, 2)).isEqualTo(allowed(2, 0, 5));
    assertThat(fixed.check("a", 1, 3)).isEqualTo(denied(2, 0, 5, 2));
    assertThat(fixed.check("a", 1, 6)).isEqualTo(allowed(2, 1, 10));

    RateLimiter log = limiter(Limit.slidingWindowLog(2, five));
    assertThat(log.check("a", 1, 1)).isEqualTo(allowed(2, 1, 6));
    assertThat(log.check("a", 1, 2)).isEqualTo(allowed(2, 0, 7));
    assertThat(log.check("a", 1, 3)).isEqualTo(denied(2, 0, 7, 3));
    assertThat(log.check("a", 1, 6)).isEqualTo(allowed(2, 0, 11));

    RateLimiter bucket = limiter(Limit.tokenBucket(2, five));
    assertThat(bucket.check("a", 1, 1)).isEqualTo(allowed(2, 1, 4));
    assertThat(bucket.check("a", 1, 2)).isEqualTo(allowed(2, 0, 6));
    assertThat(bucket.check("a", 1, 3)).isEqualTo(denied(2, 0, 6, 1));
    assertThat(bucket.check("a", 1, 6)).isEqualTo(allowed(2, 1, 9));

    RateLimiter meter = limiter(Limit.gcra(2, five).withBurst(2));
    assertThat(meter.check("a", 1, 1)).isEqualTo(allowed(2, 1, 4));
    assertThat(meter.check("a", 1, 2)).isEqualTo(allowed(2, 0, 6));
    assertThat(meter.check("a", 1, 3)).isEqualTo(denied(2, 0, 6, 1));
    assertThat(meter.check("a", 1, 6)).isEqualTo(allowed(2, 1, 9));

    // The example does not hold for the counter: at t = 6 the full window [0, 5) still weighs
    // 2 * 4 / 5, so 6 is denied until 8.
    RateLimiter counter = limiter(Limit.slidingWindowCounter(2, five));
    assertThat(counter.check("a", 1, 1)).isEqualTo(allowed(2, 1, 10));
    assertThat(counter.check("a", 1, 2)).isEqualTo(allowed(2, 0, 10));
    assertThat(counter.check("a", 1, 3)).isEqualTo(denied(2, 0, 10, 5));
    assertThat(counter.check("a", 1, 6)).isEqualTo(denied(2, 0, 10, 2));
    assertThat(counter.check("a", 1, 8)).isEqualTo(allowed(2, 0, 15));
  }
}
