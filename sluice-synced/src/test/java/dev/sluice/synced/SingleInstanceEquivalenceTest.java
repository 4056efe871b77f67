package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.InMemoryEngine;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-based: alone, a synced instance is the in-memory engine. Random rules of fixed windows
 * and sliding window counters and random request sequences from a printed seed, with syncs at
 * random points, must be decided field for field as the in-memory engine decides them.
 */
class SingleInstanceEquivalenceTest {

  static SyncedEngine engine(String prefix, TimeSource clock) {
    return SyncedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .timeSource(clock)
        .keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(5))
        .autoSync(false)
        .build();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void decidesAsTheInMemoryEngine(long seed) {
    System.out.println("SingleInstanceEquivalenceTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    try (SyncedEngine synced = engine("eq:" + UUID.randomUUID() + ":", TimeSource.manual(0));
        InMemoryEngine memory = InMemoryEngine.builder().timeSource(TimeSource.manual(0))
            .build()) {
      for (int round = 0; round < 6; round++) {
        List<Limit> limits = new ArrayList<>();
        int count = 1 + r.nextInt(3);
        for (int i = 0; i < count; i++) {
          Algorithm a = r.nextBoolean() ? Algorithm.FIXED_WINDOW
              : Algorithm.SLIDING_WINDOW_COUNTER;
          long permits = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(8);
          long window = r.nextBoolean() ? 1 + r.nextInt(50) : 1 + r.nextInt(5_000);
          limits.add(Limit.of(a, permits, Duration.ofNanos(window * 1_000)));
        }
        Rule rule = new Rule("r" + round, limits);
        RateLimiter s = synced.limiter(rule);
        RateLimiter m = memory.limiter(rule);
        long t = 1_000_000 + r.nextInt(1_000);
        for (int step = 0; step < 400; step++) {
          t += r.nextInt(8) == 0 ? -r.nextInt(30) : r.nextInt(40);
          t = Math.max(0, t);
          String key = "k" + r.nextInt(3);
          long cost = 1 + (r.nextInt(4) == 0 ? r.nextInt(5) : 0);
          Decision expected = m.check(key, cost, t);
          Decision actual = s.check(key, cost, t);
          assertThat(actual).as("seed %d rule %s step %d key %s cost %d t %d", seed, rule, step,
              key, cost, t).isEqualTo(expected);
          if (r.nextInt(20) == 0) {
            assertThat(synced.syncNow()).isTrue();
          }
        }
      }
    }
  }

  @Test
  void limiter_refusesAlgorithmsItDoesNotSupport_namingThem() {
    try (SyncedEngine e = engine("refuse:", TimeSource.manual(0))) {
      assertThatThrownBy(() -> e.limiter(Rule.of("api", Limit.fixedWindow(5, Duration.ofSeconds(1)),
          Limit.tokenBucket(5, Duration.ofSeconds(1)))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("limit 1 uses token-bucket");
      assertThatThrownBy(() -> e.limiter(Rule.of("log",
          Limit.slidingWindowLog(5, Duration.ofSeconds(1)))))
          .hasMessageContaining("sliding-window-log");
      assertThatThrownBy(() -> e.limiter(Rule.of("g", Limit.gcra(5, Duration.ofSeconds(1)))))
          .hasMessageContaining("gcra");
    }
  }

  @Test
  void builder_refusesBadValues_namingThem() {
    Topology t = Topology.standalone("redis://127.0.0.1:1");
    assertThatThrownBy(() -> SyncedEngine.builder(t).syncInterval(Duration.ofNanos(10)))
        .hasMessageContaining("PT0.00000001S");
    assertThatThrownBy(() -> SyncedEngine.builder(t).expectedInstances(0))
        .hasMessageContaining("expectedInstances 0");
    assertThatThrownBy(() -> SyncedEngine.builder(Topology.sharded(List.of(
        Topology.Shard.of("a", "redis://127.0.0.1:1"))))).hasMessageContaining("not sharded");
  }
}
