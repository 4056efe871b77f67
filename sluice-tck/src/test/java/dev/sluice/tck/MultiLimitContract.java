package dev.sluice.tck;

import static dev.sluice.tck.ConformanceFixture.allowed;
import static dev.sluice.tck.ConformanceFixture.denied;
import static dev.sluice.tck.ConformanceFixture.micros;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Rules of several limits, as "Several limits (a rule)" in docs/algorithms.md specifies them. */
public interface MultiLimitContract extends ConformanceFixture {

  @Requires(algorithms = Algorithm.FIXED_WINDOW)
  @Test
  default void check_whenTheFirstLimitDeniesTheSecondConsumesNothing() {
    RateLimiter rl = limiter(Limit.fixedWindow(2, micros(10)), Limit.fixedWindow(3, micros(100)));
    assertThat(rl.check("a", 1, 0)).isEqualTo(allowed(2, 1, 10, 0));
    assertThat(rl.check("a", 1, 1)).isEqualTo(allowed(2, 0, 10, 0));
    for (long t = 2; t < 10; t++) {
      assertThat(rl.check("a", 1, t)).isEqualTo(denied(2, 0, 10, 10 - t, 0));
    }
    // Had the denials consumed from the 3 per 100, this would be denied.
    assertThat(rl.check("a", 1, 10)).isEqualTo(allowed(3, 0, 100, 1));
    assertThat(rl.check("a", 1, 11)).isEqualTo(denied(3, 0, 100, 89, 1));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(2, 1, 110, 0));
  }

  @Requires(algorithms = {Algorithm.FIXED_WINDOW, Algorithm.SLIDING_WINDOW_LOG})
  @Test
  default void check_whenTheSecondLimitDeniesTheFirstConsumesNothing() {
    RateLimiter rl = limiter(Limit.fixedWindow(2, micros(100)),
        Limit.slidingWindowLog(1, micros(10)));
    assertThat(rl.check("a", 1, 0)).isEqualTo(allowed(1, 0, 10, 1));
    for (long t = 5; t < 10; t++) {
      assertThat(rl.check("a", 1, t)).isEqualTo(denied(1, 0, 10, 10 - t, 1));
    }
    // Had the denials consumed from the 2 per 100, this would be denied. Both limits have 0
    // remaining: the one that resets later is reported.
    assertThat(rl.check("a", 1, 10)).isEqualTo(allowed(2, 0, 100, 0));
    assertThat(rl.check("a", 1, 20)).isEqualTo(denied(2, 0, 100, 80, 0));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(1, 0, 110, 1));
  }

  @Requires(algorithms = Algorithm.FIXED_WINDOW)
  @Test
  default void check_enforcesPerSecondPerMinuteAndPerHourTogether() {
    long second = 1_000_000;
    Limit perSecond = Limit.fixedWindow(10, Duration.ofSeconds(1));
    Limit perMinute = Limit.fixedWindow(100, Duration.ofMinutes(1));
    Limit perHour = Limit.fixedWindow(1000, Duration.ofHours(1));
    RateLimiter rl = limiter(perSecond, perMinute, perHour);
    long hour = 3_600 * second;
    long h = CLOCK_START - CLOCK_START % hour;
    long total = 0;
    for (long s = 0; s < 7_200; s++) {
      long t = h + s * second;
      long admitted = 0;
      for (int i = 0; i < 11; i++) {
        if (rl.check("a", 1, t).allowed()) {
          admitted++;
        }
      }
      boolean open = (s / 60) % 60 < 10 && s % 60 < 10;
      assertThat(admitted).as("second %d", s).isEqualTo(open ? 10 : 0);
      total += admitted;
    }
    assertThat(total).isEqualTo(2_000);
    RateLimiter fresh = limiter(perSecond, perMinute, perHour,
        Limit.fixedWindow(10_000, Duration.ofDays(1)));
    for (long s = 0; s < 5; s++) {
      assertThat(fresh.check("b", 10, h + s * second).allowed()).isTrue();
    }
    // Only the per-second limit denies.
    assertThat(fresh.check("b", 1, h + 4 * second)).isEqualTo(denied(10, 0, h + 5 * second,
        second, 0));
    for (long s = 5; s < 10; s++) {
      assertThat(fresh.check("b", 10, h + s * second).allowed()).isTrue();
    }
    // Both deny; the per-minute limit frees last.
    assertThat(fresh.check("b", 1, h + 9 * second)).isEqualTo(denied(100, 0, h + 60 * second,
        51 * second, 1));
    // The per-second limit freed, the per-minute one did not: 50s to wait.
    assertThat(fresh.check("b", 1, h + 10 * second)).isEqualTo(denied(100, 0, h + 60 * second,
        50 * second, 1));
    for (long m = 1; m < 10; m++) {
      // A cost above the per-second limit can never pass and consumes nothing elsewhere.
      assertThat(fresh.check("b", 100, h + m * 60 * second).allowed()).isFalse();
      for (long s = 0; s < 10; s++) {
        assertThat(fresh.check("b", 10, h + (m * 60 + s) * second).allowed()).isTrue();
      }
    }
    assertThat(fresh.check("b", 1, h + 600 * second)).isEqualTo(denied(1000, 0, h + hour,
        hour - 600 * second, 2));
  }
}
