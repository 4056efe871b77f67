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

/** Token bucket, as "Token bucket" in docs/algorithms.md specifies it. */
@Requires(algorithms = Algorithm.TOKEN_BUCKET)
public interface TokenBucketContract extends ConformanceFixture {

  @Test
  default void tokenBucket_startsFullAndRefillsAtTheRate() {
    // 3 per 30us: one token (w = 10 units) every 10us, n = 1 unit per microsecond.
    RateLimiter rl = limiter(Limit.tokenBucket(3, micros(30)));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(3, 2, 110));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(3, 1, 120));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(3, 0, 130));
    assertThat(rl.check("a", 1, 100)).isEqualTo(denied(3, 0, 130, 10));
    // A denial does not move T: half a token has accumulated since 100.
    assertThat(rl.check("a", 1, 105)).isEqualTo(denied(3, 0, 130, 5));
    assertThat(rl.check("a", 1, 110)).isEqualTo(allowed(3, 0, 140));
    // Long idle: the bucket is full again, never fuller.
    assertThat(rl.check("a", 1, 200)).isEqualTo(allowed(3, 2, 210));
  }

  @Test
  default void tokenBucket_keepsARateThatDoesNotDivideTheWindowExact() {
    // 3 per 10us: g = 1, a token is 10 units, the bucket gains 3 units per microsecond.
    RateLimiter rl = limiter(Limit.tokenBucket(3, micros(10)));
    assertThat(rl.check("a", 1, 0)).isEqualTo(allowed(3, 2, 4));
    assertThat(rl.check("a", 1, 0)).isEqualTo(allowed(3, 1, 7));
    assertThat(rl.check("a", 1, 0)).isEqualTo(allowed(3, 0, 10));
    // s = 3 units: allowedAt 1 + ceil(7 / 3) = 4, resetAt 1 + ceil(27 / 3) = 10.
    assertThat(rl.check("a", 1, 1)).isEqualTo(denied(3, 0, 10, 3));
    assertThat(rl.check("a", 1, 3)).isEqualTo(denied(3, 0, 10, 1));
    // s = 12: 2 units stay, resetAt 4 + ceil(28 / 3) = 14.
    assertThat(rl.check("a", 1, 4)).isEqualTo(allowed(3, 0, 14));
  }

  @Test
  default void tokenBucket_burstSetsTheCapacityAndCostsTakeSeveralTokens() {
    // 1 per 10us, capacity 5: w = 10 units, n = 1, full at 50 units.
    RateLimiter rl = limiter(Limit.tokenBucket(1, micros(10)).withBurst(5));
    assertThat(rl.check("a", 5, 0)).isEqualTo(allowed(1, 0, 50));
    assertThat(rl.check("a", 1, 0)).isEqualTo(denied(1, 0, 50, 10));
    assertThat(rl.check("a", 2, 20)).isEqualTo(allowed(1, 0, 70));
    assertThat(rl.check("a", 3, 30)).isEqualTo(denied(1, 1, 70, 20));
    assertThat(rl.check("a", 6, 30)).isEqualTo(denied(1, 1, 70, NEVER));
    assertThat(rl.check("a", 5, 70)).isEqualTo(allowed(1, 0, 120));
  }

  @Test
  default void tokenBucket_earlierTimestampIsEvaluatedAtTheLastGrant() {
    RateLimiter rl = limiter(Limit.tokenBucket(3, micros(30)));
    assertThat(rl.check("a", 1, 100)).isEqualTo(allowed(3, 2, 110));
    assertThat(rl.check("a", 1, 90)).isEqualTo(allowed(3, 1, 120));
    assertThat(rl.check("a", 1, 80)).isEqualTo(allowed(3, 0, 130));
    assertThat(rl.check("a", 1, 70)).isEqualTo(denied(3, 0, 130, 40));
    assertThat(rl.check("a", 1, 110)).isEqualTo(allowed(3, 0, 140));
  }

  @Test
  default void tokenBucket_admitsExactlyBurstPlusRateTimesElapsedOverAMillionSteps() {
    RateLimiter rl = limiter(Limit.tokenBucket(3, micros(10)));
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

  @Test
  default void tokenBucket_doesNotDriftAtAnUnevenRate() {
    long window = 1_000_003;
    long step = 9_973;
    RateLimiter rl = limiter(Limit.tokenBucket(1000, micros(window)));
    long start = CLOCK_START;
    long t = start;
    long admitted = 0;
    for (int i = 0; i < longRunSteps() / 20; i++) {
      t = start + i * step;
      while (rl.tryAcquire("a", 1, t)) {
        admitted++;
      }
    }
    long elapsed = t - start;
    assertThat(admitted).isEqualTo(1000 + Math.floorDiv(elapsed * 1000, window));
  }
}
