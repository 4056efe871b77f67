package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.InMemoryEngine;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-based: random rules and request sequences from a printed seed, decided by the Redis
 * scripts and by the in-memory engine (which implements docs/algorithms.md); every decision must
 * be equal, field for field.
 */
abstract class RedisEquivalenceTest {

  /** Where the engine under test keeps its state. */
  /** The topology of the servers the subclass names with {@link Servers.OnRedis}. */
  Topology topology() {
    return Servers.topology(getClass());
  }

  /** How many random rules each seed runs (fewer on the slower topologies). */
  int rounds() {
    return 6;
  }

  private RedisEngine engine(boolean denialCache) {
    return RedisEngine.builder(topology())
        .timeSource(TimeSource.manual(0))
        .keyPrefix("eq:" + UUID.randomUUID())
        .commandTimeout(Duration.ofSeconds(5))
        .defaultPolicy(FailurePolicy.failClosed())
        .denialCache(denialCache)
        .build();
  }

  static Limit randomLimit(SplittableRandom r, boolean huge) {
    Algorithm a = Algorithm.values()[r.nextInt(5)];
    long permits = r.nextInt(12) == 0 ? 0 : 1 + (huge ? r.nextLong(1L << (1 + r.nextInt(40))) : r.nextInt(8));
    long window = huge
        ? 1 + r.nextLong(1L << 40)
        : (r.nextBoolean() ? 1 + r.nextInt(50) : 1 + r.nextInt(5_000));
    Limit l = Limit.of(a, permits, Duration.ofNanos(window * 1_000));
    if (permits > 0 && (a == Algorithm.TOKEN_BUCKET || a == Algorithm.GCRA) && r.nextBoolean()) {
      l = l.withBurst(1 + (huge ? r.nextLong(1L << (1 + r.nextInt(30))) : r.nextInt(10)));
    }
    return l;
  }

  /** A random first timestamp: near today, or near the end of the time range when huge. */
  static long randomStart(SplittableRandom r, boolean huge) {
    return huge ? Limit.MAX_TIME - (1L << 44) - r.nextLong(1L << 40)
        : 1_700_000_000_000_000L + r.nextLong(1_000_000_000L);
  }

  /** The next timestamp of a random walk: mostly forward, sometimes back, sometimes a jump. */
  static long randomStep(SplittableRandom r, long t, boolean huge) {
    int move = r.nextInt(10);
    if (move < 5) {
      return t + r.nextInt(huge ? 1_000_000_000 : 400);
    } else if (move < 6) {
      return t - r.nextInt(huge ? 900_000 : 300);
    } else if (move < 7) {
      return t + r.nextInt(10_000);
    }
    return t;
  }

  static Rule randomRule(SplittableRandom r, boolean huge) {
    List<Limit> limits = new ArrayList<>();
    int k = 1 + r.nextInt(3);
    for (int i = 0; i < k; i++) {
      limits.add(randomLimit(r, huge));
    }
    return new Rule("eq" + r.nextInt(1000), limits);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
  void decisionsEqualTheInMemoryEngine(long seed) {
    run(seed, false, seed % 2 == 0);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {101, 102, 103, 104, 105, 106})
  void decisionsEqualTheInMemoryEngineNearTheLargestTimes(long seed) {
    run(seed, true, seed % 2 == 0);
  }

  void run(long seed, boolean huge, boolean denialCache) {
    System.out.println("RedisEquivalenceTest seed " + seed + " huge=" + huge
        + " denialCache=" + denialCache);
    SplittableRandom r = new SplittableRandom(seed);
    try (RedisEngine redisEngine = engine(denialCache);
        InMemoryEngine memory = InMemoryEngine.builder().timeSource(TimeSource.manual(0)).build()) {
      for (int round = 0; round < rounds(); round++) {
        Rule rule;
        while (true) {
          try {
            rule = randomRule(r, huge);
            redisEngine.limiter(rule);
            break;
          } catch (IllegalArgumentException beyond2To61) {
            // a limit Limit itself rejects: draw another
          }
        }
        RedisRateLimiter remote = redisEngine.limiter(rule);
        RateLimiter local = memory.limiter(rule);
        long t = randomStart(r, huge);
        long newest = t;
        List<CompletionStage<Decision>> pending = new ArrayList<>();
        List<Decision> expected = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          t = randomStep(r, t, huge);
          t = Math.max(Math.min(t, Limit.MAX_TIME), newest - 900_000);
          t = Math.min(t, Limit.MAX_TIME);
          newest = Math.max(newest, t);
          String client = "c" + r.nextInt(6);
          long cost = r.nextInt(8) == 0 ? 1 + r.nextInt(20) : 1 + r.nextInt(2);
          Decision want = local.check(client, cost, t);
          String step = "#" + i + " " + client + " cost " + cost + " t " + t;
          if (r.nextInt(4) == 0) {
            // async, pipelined: the decisions of one key are still applied in order
            pending.add(remote.checkAsync(client, cost, t));
            expected.add(want);
            steps.add(step);
          } else {
            drain(pending, expected, steps, rule, seed);
            Decision got = remote.check(client, cost, t);
            assertThat(got).as("seed %d rule %s %s (%s)", seed, rule, step,
                redisEngine.stats().lastFailure()).isEqualTo(want);
          }
        }
        drain(pending, expected, steps, rule, seed);
      }
    }
  }

  private static void drain(List<CompletionStage<Decision>> pending, List<Decision> expected,
      List<String> steps, Rule rule, long seed) {
    for (int j = 0; j < pending.size(); j++) {
      Decision got = pending.get(j).toCompletableFuture().join();
      assertThat(got).as("seed %d rule %s %s (async)", seed, rule, steps.get(j))
          .isEqualTo(expected.get(j));
    }
    pending.clear();
    expected.clear();
    steps.clear();
  }
}
