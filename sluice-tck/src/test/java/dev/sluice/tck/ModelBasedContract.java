package dev.sluice.tck;

import static dev.sluice.tck.ConformanceFixture.micros;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random runs checked against the reference models ({@code dev.sluice.tck.model}). A
 * failure names its seed; {@code -Dsluice.tck.seed=N} reruns only that one.
 */
public interface ModelBasedContract extends ConformanceFixture {

  /** Requests per random run. */
  int REQUESTS = 2_000;

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.sluice.tck.TckSeeds#seeds")
  default void check_agreesWithTheReferenceModelOnRandomRequests(long seed) {
    new RandomRun(seed, capabilities().algorithmList()).run(engine(), REQUESTS, () -> { });
  }

  @ParameterizedTest(name = "{0}, seed {2}")
  @MethodSource("dev.sluice.tck.EdgeRules#cases")
  default void check_agreesWithTheReferenceModelAtTheEdgesOfEveryRange(String name, Rule rule,
      long seed) {
    new RandomRun(seed, rule).run(engine(), REQUESTS / 2, () -> { });
  }

  @Requires(algorithms = {Algorithm.TOKEN_BUCKET, Algorithm.GCRA})
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.sluice.tck.TckSeeds#seeds")
  default void check_tokenBucketAndGcraOfOneBurstDecideAlikeWhileTimeMovesForward(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long permits = random.nextLong(1, 30);
    long window = random.nextLong(1, 2_000);
    long burst = random.nextLong(1, 2 * permits + 2);
    Limit bucket = Limit.tokenBucket(permits, micros(window)).withBurst(burst);
    Limit meter = Limit.gcra(permits, micros(window)).withBurst(burst);
    RateLimiter buckets = engine().limiter(Rule.of("bucket", bucket));
    RateLimiter meters = engine().limiter(Rule.of("meter", meter));
    long t = random.nextLong(0, 1L << 40);
    for (int i = 0; i < REQUESTS; i++) {
      t += random.nextInt(4) == 0 ? 0 : random.nextLong(0, 2 * window / permits + 2);
      String key = "k" + random.nextInt(3);
      long cost = random.nextInt(5) == 0 ? random.nextLong(1, burst + 2) : 1;
      Decision b = buckets.check(key, cost, t);
      Decision m = meters.check(key, cost, t);
      assertThat(m).as("seed %d, %s vs %s, request %d: %s(%d, %d)", seed, bucket, meter, i,
          key, cost, t).isEqualTo(b);
    }
  }
}
