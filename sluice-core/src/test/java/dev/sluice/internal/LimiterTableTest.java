package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.Rule;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table against a map model: random clients with colliding home slots (tiny segments), a
 * cap that forces displacement, and evictions, must keep every surviving client's count exact.
 */
class LimiterTableTest {

  static long[] seeds() {
    long[] seeds = new long[20];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = 0x5EED0000L + i;
    }
    return seeds;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void rowsSurviveGrowthAndRemoval_likeAMap(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    // A fixed window of 1000 per day: every admitted request increments a count we can model.
    Rule rule = Rule.of("r", Limit.fixedWindow(1000, Duration.ofDays(1)),
        Limit.slidingWindowLog(1000, Duration.ofDays(1)));
    LimiterTable table = new LimiterTable(rule, Long.MAX_VALUE, 1_000_000);
    Map<Long, Long> model = new HashMap<>();
    int clients = 1 + random.nextInt(3000);
    for (int step = 0; step < 20_000; step++) {
      // Hashes with few distinct low bits force long probe runs and wrap-around.
      long hash = ((long) random.nextInt(clients) << 40) | (random.nextInt(4) + 1);
      long count = model.getOrDefault(hash, 0L);
      boolean admitted = table.tryAcquire(hash, 1, 5);
      assertThat(admitted).as("seed %d step %d", seed, step).isEqualTo(count < 1000);
      if (admitted) {
        model.put(hash, count + 1);
      }
      assertThat(table.check(hash, 1000, 5).remaining())
          .as("seed %d step %d", seed, step).isEqualTo(1000 - model.get(hash));
    }
    assertThat(table.size()).isEqualTo(model.size());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void capBoundsRows_andSurvivorsKeepExactCounts(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Rule rule = Rule.of("r", Limit.fixedWindow(1_000_000, Duration.ofDays(1)));
    int cap = 1 + random.nextInt(200);
    LimiterTable table = new LimiterTable(rule, cap, 0);
    Map<Long, Long> model = new HashMap<>();
    for (int step = 0; step < 5_000; step++) {
      long hash = random.nextLong() >>> 1 | 1;
      if (random.nextInt(3) == 0 && !model.isEmpty()) {
        hash = model.keySet().iterator().next();
      }
      table.tryAcquire(hash, 1, 5);
      model.merge(hash, 1L, Long::sum);
      assertThat(table.size()).isLessThanOrEqualTo(cap);
    }
    // A survivor's count is its model count, or less if it was displaced and came back.
    for (Map.Entry<Long, Long> e : model.entrySet()) {
      long used = 1_000_000 - table.check(e.getKey(), 2_000_000, 5).remaining();
      assertThat(used).isLessThanOrEqualTo(e.getValue());
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void eviction_dropsOnlyStatesBackToInitial(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Rule rule = Rule.of("r", Limit.tokenBucket(10, Duration.ofSeconds(1)));
    LimiterTable table = new LimiterTable(rule, Long.MAX_VALUE, 0);
    int n = 100 + random.nextInt(1000);
    for (int i = 1; i <= n; i++) {
      table.tryAcquire(i, 10, 1_000_000);  // empties each bucket: full again 1 s later
    }
    table.tryAcquire(n + 1L, 10, 1_500_000);  // full again at 2.5 s
    table.evictExpired();
    assertThat(table.size()).isEqualTo(n + 1);
    table.tryAcquire(n + 2L, 1, 2_000_000);  // now the first n are full again
    table.evictExpired();
    assertThat(table.size()).isEqualTo(2);
    assertThat(table.check(n + 1L, 1, 2_000_000).remaining()).isEqualTo(4);
  }
}
