package dev.sluice.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every engine promises, exact or bounded: random traffic at about three times a limit, on
 * the engine's own clock moving forward (with a round every sync interval for an engine that has
 * them), never admits more than the limit allows plus the claimed bound
 * ({@link EngineCapabilities#overAdmissionWithin}), and admits something. Per algorithm: a fixed
 * window at most N per window; a sliding window counter at most N in the current fixed window
 * (its formula implies it); a sliding log at most N in any window ending at an admission; a
 * token bucket and GCRA at most their burst plus the refill over any span.
 */
@Requires(exact = false, callerClock = false)
public interface AdmissionBoundsContract extends ConformanceFixture {

  /** Simulated windows per run. */
  int BOUNDS_WINDOWS = 3;

  /** Each algorithm with a few seeds: (algorithm, seed). */
  static Stream<Arguments> boundsCases() {
    return Stream.of(Algorithm.values()).flatMap(a -> TckSeeds.seeds().limit(2)
        .mapToObj(seed -> Arguments.of(a, seed)));
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("dev.sluice.tck.AdmissionBoundsContract#boundsCases")
  default void check_neverAdmitsMoreThanTheLimitAndTheClaimedBound(Algorithm algorithm,
      long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long permits = random.nextLong(5, 60);
    long window = 1_000_000;
    Limit limit = Limit.of(algorithm, permits, Duration.ofSeconds(1));
    if (algorithm == Algorithm.TOKEN_BUCKET || algorithm == Algorithm.GCRA) {
      limit = limit.withBurst(random.nextLong(1, permits + 1));
    }
    RateLimiter rl = limiter(limit);
    long interval = capabilities().syncInterval().toNanos() / 1_000;
    long start = clock().nowMicros();
    long end = start + BOUNDS_WINDOWS * window;
    long slack = capabilities().overAdmissionWithin(window);
    long bucketSlack = capabilities().overAdmissionWithin(end - start);
    double rate = (double) permits / window;
    String[] keys = {"a", "b", "c"};
    Map<String, Long> perWindow = new HashMap<>();
    Map<String, Long> total = new HashMap<>();
    Map<String, Double> lowest = new HashMap<>();
    Map<String, Deque<long[]>> recent = new HashMap<>();
    long admitted = 0;
    long nextRound = interval > 0 ? start + random.nextLong(interval) : Long.MAX_VALUE;
    long t = start;
    while (t < end) {
      t += random.nextInt(8) == 0 ? 0 : 1 + random.nextLong(window / (permits * 3 / 2 + 1));
      while (nextRound <= t) {
        clock().set(nextRound);
        sync();
        nextRound += interval;
      }
      clock().set(t);
      String key = keys[random.nextInt(keys.length)];
      long cost = random.nextInt(8) == 0 ? random.nextLong(2, 4) : 1;
      if (!rl.tryAcquire(key, cost, t)) {
        continue;
      }
      admitted += cost;
      String context = String.format("seed %d, %s, key %s admitted %d at +%dus", seed, limit,
          key, cost, t - start);
      switch (algorithm) {
        case FIXED_WINDOW, SLIDING_WINDOW_COUNTER -> {
          long inWindow = perWindow.merge(key + "@" + (t - Math.floorMod(t, window)), cost,
              Long::sum);
          assertThat(inWindow).as(context).isLessThanOrEqualTo(permits + slack);
        }
        case SLIDING_WINDOW_LOG -> {
          Deque<long[]> log = recent.computeIfAbsent(key, k -> new ArrayDeque<>());
          log.addLast(new long[] {t, cost});
          while (log.peekFirst()[0] <= t - window) {
            log.removeFirst();
          }
          long inWindow = log.stream().mapToLong(e -> e[1]).sum();
          assertThat(inWindow).as(context).isLessThanOrEqualTo(permits + slack);
        }
        case TOKEN_BUCKET, GCRA -> {
          // At most B + (t - a) * rate over any span [a, t]: all(t) - t * rate stays within B of
          // the smallest all(a-) - a * rate seen (a-: just before a's admission).
          long all = total.merge(key, cost, Long::sum);
          lowest.merge(key, (all - cost) - t * rate, Math::min);
          assertThat(all - t * rate - lowest.get(key)).as(context)
              .isLessThanOrEqualTo(limit.burst() + bucketSlack + 1e-6);
        }
        default -> throw new AssertionError(algorithm);
      }
    }
    assertThat(admitted).as("seed %d, %s: admitted nothing", seed, limit).isPositive();
  }
}
