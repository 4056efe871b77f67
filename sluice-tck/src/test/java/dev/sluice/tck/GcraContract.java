package dev.sluice.tck;

import static dev.sluice.tck.ConformanceFixture.allowed;
import static dev.sluice.tck.ConformanceFixture.denied;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * GCRA, as "GCRA (leaky bucket as a meter)" in docs/algorithms.md specifies it. Most cases use
 * 4 per 10us: an emission interval E of 2.5us, kept exactly.
 */
@Requires(algorithms = Algorithm.GCRA)
public interface GcraContract extends ConformanceFixture {

  @Test
  default void gcra_admitsOneRequestPerIntervalWithoutBurst() {
    RateLimiter rl = limiter(Limit.gcra(10, Duration.ofSeconds(1)));
    assertThat(rl.check("a", 1, 0)).isEqualTo(allowed(10, 0, 100_000));
    assertThat(rl.check("a", 1, 99_999)).isEqualTo(denied(10, 0, 100_000, 1));
    for (long k = 1; k <= 100; k++) {
      assertThat(rl.check("a", 1, k * 100_000)).isEqualTo(allowed(10, 0, (k + 1) * 100_000));
    }
  }
}
