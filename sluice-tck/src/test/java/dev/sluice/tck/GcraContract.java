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

/**
 * GCRA, as "GCRA (leaky bucket as a meter)" in docs/algorithms.md specifies it. Most cases use
 * 4 per 10us: an emission interval E of 2.5us, kept exactly.
 */
@Requires(algorithms = Algorithm.GCRA)
public interface GcraContract extends ConformanceFixture {

  @Test
  default void gcra_spacesRequestsByTheEmissionInterval() {
    RateLimiter rl = limiter(Limit.gcra(4, micros(10)));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(4, 0, 103));
    // TAT = 102.5: 105 - 101 > 2.5; allowedAt = ceil(102.5).
    assertThat(rl.check("a", 1, 101)).isEqualTo(denied(4, 0, 103, 2));
    assertThat(rl.check("a", 1, 103)).isEqualTo(allowed(4, 0, 106));
    assertThat(rl.check("a", 1, 105)).isEqualTo(denied(4, 0, 106, 1));
    assertThat(rl.check("a", 1, 106)).isEqualTo(allowed(4, 0, 109));
  }

  @Test
  default void gcra_letsABurstPassBackToBack() {
    RateLimiter rl = limiter(Limit.gcra(4, micros(10)).withBurst(3));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(4, 2, 103));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(4, 1, 105));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(4, 0, 108));
    // TAT = 107.5; allowedAt = ceil(107.5 - 2 * 2.5) = 103.
    assertThat(rl.check("a", 1, 100)).isEqualTo(denied(4, 0, 108, 3));
    assertThat(rl.check("a", 1, 103)).isEqualTo(allowed(4, 0, 110));
  }

  @Test
  default void gcra_weighsCostsAndStaysStricterForEarlierTimestamps() {
    RateLimiter rl = limiter(Limit.gcra(4, micros(10)).withBurst(3));
    assertThat(rl.check("a", 3, 200)).isEqualTo(allowed(4, 0, 208));
    // TAT = 207.5; allowedAt = ceil(207.5 - (3 - 2) * 2.5) = 205.
    assertThat(rl.check("a", 2, 200)).isEqualTo(denied(4, 0, 208, 5));
    assertThat(rl.check("a", 4, 200)).isEqualTo(denied(4, 0, 208, NEVER));
    // No effective time: an earlier t only waits longer, measured from that t.
    assertThat(rl.check("a", 1, 150)).isEqualTo(denied(4, 0, 208, 53));
    assertThat(rl.check("a", 2, 205)).isEqualTo(allowed(4, 0, 213));
    // TAT 212.5 -> 215, t = 210: remaining floor((15 - 5 * 2) / 5) = 1.
    assertThat(rl.check("a", 1, 210)).isEqualTo(allowed(4, 1, 215));
  }

  @Test
  default void gcra_admitsOneRequestPerIntervalWithoutBurst() {
    RateLimiter rl = limiter(Limit.gcra(10, Duration.ofSeconds(1)));
    assertThat(rl.check("a", 1, 0)).isEqualTo(allowed(10, 0, 100_000));
    assertThat(rl.check("a", 1, 99_999)).isEqualTo(denied(10, 0, 100_000, 1));
    for (long k = 1; k <= 100; k++) {
      assertThat(rl.check("a", 1, k * 100_000)).isEqualTo(allowed(10, 0, (k + 1) * 100_000));
    }
  }

  @Test
  default void gcra_admitsExactlyBurstPlusRateTimesElapsedOverAMillionSteps() {
    RateLimiter rl = limiter(Limit.gcra(3, micros(10)).withBurst(3));
    long start = 5_000_000;
    long steps = longRunSteps();
    long admitted = 0;
    for (long t = start; t < start + steps; t++) {
      if (rl.tryAcquire("a", 1, t)) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(3 + (steps - 1) * 3 / 10);
  }
}
