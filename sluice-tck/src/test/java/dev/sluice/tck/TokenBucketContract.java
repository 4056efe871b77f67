package dev.sluice.tck;

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
