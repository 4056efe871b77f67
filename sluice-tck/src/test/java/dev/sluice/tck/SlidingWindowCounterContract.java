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

/**
 * Sliding window counter, as "Sliding window counter" in docs/algorithms.md specifies it. All
 * cases use N = 10 per W = 100us, so the weighted estimate is {@code prev * (100 - e) + cur * 100}
 * against {@code 1000}.
 */
@Requires(algorithms = Algorithm.SLIDING_WINDOW_COUNTER)
public interface SlidingWindowCounterContract extends ConformanceFixture {

  private RateLimiter tenPerHundred() {
    return limiter(Limit.slidingWindowCounter(10, micros(100)));
  }

  @Test
  default void slidingCounter_weighsThePreviousWindowByTheShareStillInside() {
    RateLimiter rl = tenPerHundred();
    assertThat(rl.check("a", 1, 1050)).isEqualTo(allowed(10, 9, 1200));
    assertThat(rl.check("a", 9, 1050)).isEqualTo(allowed(10, 0, 1200));
    // a = -1: next window, where prev = 10 fades enough at e = 100 - floor(9 * 100 / 10) = 10.
    assertThat(rl.check("a", 1, 1099)).isEqualTo(denied(10, 0, 1200, 11));
    // e = 50: 10 * 50 + 1 * 100 = 600 <= 1000; remaining floor((1000 - 500 - 100) / 100) = 4.
    assertThat(rl.check("a", 1, 1150)).isEqualTo(allowed(10, 4, 1300));
    // 10 * 50 + 6 * 100 > 1000; a = 4, e* = 100 - floor(400 / 10) = 60.
    assertThat(rl.check("a", 5, 1150)).isEqualTo(denied(10, 4, 1300, 10));
    assertThat(rl.check("a", 5, 1160)).isEqualTo(allowed(10, 0, 1300));
    // e = 99: 10 * 1 + 7 * 100 = 710; remaining floor(290 / 100) = 2.
    assertThat(rl.check("a", 1, 1199)).isEqualTo(allowed(10, 2, 1300));
    // a = -1: next window, 1200 + 100 - floor(6 * 100 / 7) = 1215.
    assertThat(rl.check("a", 4, 1199)).isEqualTo(denied(10, 2, 1300, 16));
    // e = 14: 7 * 86 + 400 = 1002 > 1000; only prev counts: remaining 3, resetAt S + W.
    assertThat(rl.check("a", 4, 1214)).isEqualTo(denied(10, 3, 1300, 1));
    // e = 15: 7 * 85 + 4 * 100 = 995 <= 1000.
    assertThat(rl.check("a", 4, 1215)).isEqualTo(allowed(10, 0, 1400));
    // Two windows later both counts are gone.
    assertThat(rl.check("a", 1, 1600)).isEqualTo(allowed(10, 9, 1800));
  }

  @Test
  default void slidingCounter_waitsForTheNextWindowWhenThePreviousCannotFadeEnough() {
    RateLimiter rl = tenPerHundred();
    assertThat(rl.check("c", 10, 3000)).isEqualTo(allowed(10, 0, 3200));
    // e = 90: 10 * 10 + 9 * 100 = 1000.
    assertThat(rl.check("c", 9, 3190)).isEqualTo(allowed(10, 0, 3300));
    // a = 0 gives e* = 100, not inside this window; in the next one prev = 9 fits at once.
    assertThat(rl.check("c", 1, 3195)).isEqualTo(denied(10, 0, 3300, 5));
    assertThat(rl.check("c", 1, 3200)).isEqualTo(allowed(10, 0, 3400));
  }

  @Test
  default void slidingCounter_deniedRequestInANewWindowMovesNothing() {
    RateLimiter rl = tenPerHundred();
    assertThat(rl.check("b", 6, 2000)).isEqualTo(allowed(10, 4, 2200));
    // Working copy rolled to S = 2100 with prev = 6: 600 + 500 > 1000. Only prev: resetAt S + W.
    assertThat(rl.check("b", 5, 2100)).isEqualTo(denied(10, 4, 2200, 17));
    // The denial wrote nothing, so S is still 2000 and 2050 is evaluated in [2000, 2100).
    assertThat(rl.check("b", 4, 2050)).isEqualTo(allowed(10, 0, 2200));
    assertThat(rl.check("b", 1, 2150)).isEqualTo(allowed(10, 4, 2300));
  }

  @Test
  default void slidingCounter_earlierTimestampIsEvaluatedAtTheWindowStart() {
    RateLimiter rl = tenPerHundred();
    assertThat(rl.check("a", 10, 4000)).isEqualTo(allowed(10, 0, 4200));
    assertThat(rl.check("a", 2, 4120)).isEqualTo(allowed(10, 0, 4300));
    // t' = max(3990, 4100) = 4100, e = 0: 10 * 100 + 3 * 100 > 1000; a = 7, so
    // e* = 100 - floor(700 / 10) = 30: allowedAt 4130, retryAfter measured from 3990.
    assertThat(rl.check("a", 1, 3990)).isEqualTo(denied(10, 0, 4300, 140));
  }

  @Test
  default void slidingCounter_impossibleCostReportsTheWindowsAsTheyAre() {
    RateLimiter rl = tenPerHundred();
    assertThat(rl.check("d", 11, 5000)).isEqualTo(denied(10, 10, 5000, NEVER));
    assertThat(rl.check("d", 3, 5010)).isEqualTo(allowed(10, 7, 5200));
    assertThat(rl.check("d", 11, 5150)).isEqualTo(denied(10, 8, 5200, NEVER));
  }
}
