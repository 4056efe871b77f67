package dev.sluice.tck;

import static dev.sluice.Decision.NEVER;
import static dev.sluice.tck.ConformanceFixture.allowed;
import static dev.sluice.tck.ConformanceFixture.denied;
import static dev.sluice.tck.ConformanceFixture.micros;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import org.junit.jupiter.api.Test;

/** Sliding window log, as "Sliding window log" in docs/algorithms.md specifies it. */
@Requires(algorithms = Algorithm.SLIDING_WINDOW_LOG)
public interface SlidingWindowLogContract extends ConformanceFixture {

  @Test
  default void slidingLog_countsGrantsInTheLastWindow() {
    RateLimiter rl = limiter(Limit.slidingWindowLog(3, micros(10)));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(3, 2, 110));
    assertThat(rl.check("a", 1, 103)).isEqualTo(allowed(3, 1, 113));
    assertThat(rl.check("a", 1, 105)).isEqualTo(allowed(3, 0, 115));
    assertThat(rl.check("a", 1, 107)).isEqualTo(denied(3, 0, 115, 3));
    assertThat(rl.check("a", 1, 109)).isEqualTo(denied(3, 0, 115, 1));
    assertThat(rl.check("a", 1, 110)).isEqualTo(allowed(3, 0, 120));
  }

  @Test
  default void slidingLog_grantAtExactlyTMinusWindowNoLongerCounts() {
    RateLimiter rl = limiter(Limit.slidingWindowLog(1, micros(10)));
    assertThat(rl.check("a", 1, 50)).isEqualTo(allowed(1, 0, 60));
    assertThat(rl.check("a", 1, 59)).isEqualTo(denied(1, 0, 60, 1));
    assertThat(rl.check("a", 1, 60)).isEqualTo(allowed(1, 0, 70));
  }

  @Test
  default void slidingLog_retryAfterDropsTheOldestGrantsUntilTheCostFits() {
    RateLimiter rl = limiter(Limit.slidingWindowLog(5, micros(10)));
    assertThat(rl.check("a", 2, 1000)).isEqualTo(allowed(5, 3, 1010));
    assertThat(rl.check("a", 2, 1003)).isEqualTo(allowed(5, 1, 1013));
    assertThat(rl.check("a", 1, 1006)).isEqualTo(allowed(5, 0, 1016));
    // Dropping the grant of 1000 frees 2 (not enough for 3); dropping 1003 as well frees 4.
    assertThat(rl.check("a", 3, 1007)).isEqualTo(denied(5, 0, 1016, 6));
    // At 1012 the grant of 1000 is gone: 3 used, 2 remaining.
    assertThat(rl.check("a", 3, 1012)).isEqualTo(denied(5, 2, 1016, 1));
    assertThat(rl.check("a", 3, 1013)).isEqualTo(allowed(5, 1, 1023));
    assertThat(rl.check("a", 6, 1013)).isEqualTo(denied(5, 1, 1023, NEVER));
  }

  @Test
  default void slidingLog_grantsAtOneInstantExpireTogether() {
    RateLimiter rl = limiter(Limit.slidingWindowLog(2, micros(10)));
    assertThat(rl.check("a", 1, 200)).isEqualTo(allowed(2, 1, 210));
    assertThat(rl.check("a", 1, 200)).isEqualTo(allowed(2, 0, 210));
    assertThat(rl.check("a", 1, 205)).isEqualTo(denied(2, 0, 210, 5));
    assertThat(rl.check("a", 2, 210)).isEqualTo(allowed(2, 0, 220));
  }

  @Test
  default void slidingLog_earlierTimestampIsGrantedAtTheNewestGrant() {
    RateLimiter rl = limiter(Limit.slidingWindowLog(2, micros(10)));
    assertThat(rl.check("a", 1, 50)).isEqualTo(allowed(2, 1, 60));
    // t' = max(45, 50): the grant is recorded at 50, so it expires with the first one.
    assertThat(rl.check("a", 1, 45)).isEqualTo(allowed(2, 0, 60));
    assertThat(rl.check("a", 1, 44)).isEqualTo(denied(2, 0, 60, 16));
    assertThat(rl.check("a", 1, 55)).isEqualTo(denied(2, 0, 60, 5));
    assertThat(rl.check("a", 1, 60)).isEqualTo(allowed(2, 1, 70));
  }
}
