package dev.sluice.tck;

import static dev.sluice.Decision.NEVER;
import static dev.sluice.tck.ConformanceFixture.allowed;
import static dev.sluice.tck.ConformanceFixture.denied;
import static dev.sluice.tck.ConformanceFixture.micros;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Fixed window, as "Fixed window" in docs/algorithms.md specifies it. */
@Requires(algorithms = Algorithm.FIXED_WINDOW)
public interface FixedWindowContract extends ConformanceFixture {

  @Test
  default void fixedWindow_countsPermitsInEpochAlignedWindows() {
    RateLimiter rl = limiter(Limit.fixedWindow(3, micros(10)));
    assertThat(rl.check("a", 1, 23)).isEqualTo(allowed(3, 2, 30));
    assertThat(rl.check("a", 1, 25)).isEqualTo(allowed(3, 1, 30));
    assertThat(rl.check("a", 1, 29)).isEqualTo(allowed(3, 0, 30));
    assertThat(rl.check("a", 1, 29)).isEqualTo(denied(3, 0, 30, 1));
    assertThat(rl.check("a", 1, 30)).isEqualTo(allowed(3, 2, 40));
  }

  @Test
  default void fixedWindow_alignsWindowsToTheEpochNotToTheFirstRequest() {
    long second = 1_700_000_001_000_000L;
    RateLimiter rl = limiter(Limit.fixedWindow(2, Duration.ofSeconds(1)));
    assertThat(rl.check("a", 1, second - 500_000)).isEqualTo(allowed(2, 1, second));
    assertThat(rl.check("a", 1, second - 499_999)).isEqualTo(allowed(2, 0, second));
    assertThat(rl.check("a", 1, second - 1)).isEqualTo(denied(2, 0, second, 1));
    assertThat(rl.check("a", 1, second)).isEqualTo(allowed(2, 1, second + 1_000_000));
  }

  @Test
  default void fixedWindow_weighsRequestsByCost() {
    RateLimiter rl = limiter(Limit.fixedWindow(10, micros(10)));
    assertThat(rl.check("a", 4, 5)).isEqualTo(allowed(10, 6, 10));
    assertThat(rl.check("a", 7, 6)).isEqualTo(denied(10, 6, 10, 4));
    assertThat(rl.check("a", 6, 7)).isEqualTo(allowed(10, 0, 10));
    assertThat(rl.check("a", 1, 9)).isEqualTo(denied(10, 0, 10, 1));
  }

  @Test
  default void fixedWindow_impossibleCostReportsTheWindowAsItIs() {
    RateLimiter rl = limiter(Limit.fixedWindow(10, micros(10)));
    // Nothing counted yet: the limit already is in its initial state, so resetAt = t.
    assertThat(rl.check("a", 11, 5)).isEqualTo(denied(10, 10, 5, NEVER));
    assertThat(rl.check("a", 1, 5)).isEqualTo(allowed(10, 9, 10));
    assertThat(rl.check("a", 11, 6)).isEqualTo(denied(10, 9, 10, NEVER));
  }

  @Test
  default void fixedWindow_earlierTimestampCountsInTheCurrentWindow() {
    RateLimiter rl = limiter(Limit.fixedWindow(2, micros(10)));
    assertThat(rl.check("a", 1, 25)).isEqualTo(allowed(2, 1, 30));
    // t = 15 belongs to [10, 20), but the state is in [20, 30): t' = 20.
    assertThat(rl.check("a", 1, 15)).isEqualTo(allowed(2, 0, 30));
    // retryAfter is measured from the caller's t.
    assertThat(rl.check("a", 1, 12)).isEqualTo(denied(2, 0, 30, 18));
    assertThat(rl.check("a", 1, 30)).isEqualTo(allowed(2, 1, 40));
  }
}
