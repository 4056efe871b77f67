package dev.sluice.tck;

import static dev.sluice.tck.ConformanceFixture.allowed;
import static dev.sluice.tck.ConformanceFixture.denied;
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
  default void fixedWindow_alignsWindowsToTheEpochNotToTheFirstRequest() {
    long second = 1_700_000_001_000_000L;
    RateLimiter rl = limiter(Limit.fixedWindow(2, Duration.ofSeconds(1)));
    assertThat(rl.check("a", 1, second - 500_000)).isEqualTo(allowed(2, 1, second));
    assertThat(rl.check("a", 1, second - 499_999)).isEqualTo(allowed(2, 0, second));
    assertThat(rl.check("a", 1, second - 1)).isEqualTo(denied(2, 0, second, 1));
    assertThat(rl.check("a", 1, second)).isEqualTo(allowed(2, 1, second + 1_000_000));
  }
}
