package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.InMemoryEngine;
import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Model-based, for an engine whose instances share limits through Redis in rounds: several
 * instances on one manual clock, each running its rounds at its own phase (and, where the engine
 * must tolerate it, with its clock behind), take random traffic from a printed seed: three keys,
 * demand about four times the limit in bursts, costs of one to three, an instance per request
 * with one taking a quarter of them. At every admission, what all instances admitted together
 * stays within the engine's bound of docs/distributed.md: per key and fixed window (for the
 * sliding window counter, its current fixed window) the limit plus {@link #overAdmission}; for a
 * token bucket, its capacity plus the refill over any span. After a last round, Redis accounts
 * for exactly what was admitted in the last fixed window ({@link #assertStored}). Under-admission
 * against an exact counter deciding the same requests is printed: it is a price, not a bound.
 */
abstract class MultiInstanceBoundsContract {
  /** The rule's id: a window's hash is {@code <prefix>{bounds|<key>}:0:w<W>:<start>}. */
  static final String RULE = "bounds";
  private static final long WINDOW = 1_000_000;
  private static final String[] KEYS = {"k0", "k1", "k2"};

  /** One run's draw: how many instances, the limit, how often they run rounds. */
  record Setup(int instances, Limit limit, long intervalMicros, double leaseFraction) {}

  private final long firstSeed;
  private final long lastSeed;
  private final int maxInstances;
  private final Algorithm[] algorithms;

  /**
   * Runs seeds {@code firstSeed} to {@code lastSeed}, each with two to {@code maxInstances}
   * instances and a limit of one of the two {@code algorithms} the engine shares.
   */
  MultiInstanceBoundsContract(long firstSeed, long lastSeed, int maxInstances,
      Algorithm... algorithms) {
    this.firstSeed = firstSeed;
    this.lastSeed = lastSeed;
    this.maxInstances = maxInstances;
    this.algorithms = algorithms;
  }

  /** An instance of the engine, without its own rounds, on {@code clock}. */
  abstract RateLimiterEngine instance(ManualTimeSource clock, String prefix, String id,
      Setup setup);

  /** Runs one round of {@code instance}; whether it reached Redis. */
  abstract boolean round(RateLimiterEngine instance);

  /** How many units over a limit all instances together may admit per fixed window. */
  abstract long overAdmission(Setup setup);

  /** How far behind the clock an instance's rounds may run: a random skew, or 0. */
  abstract long roundSkew(SplittableRandom random, long intervalMicros);

  /**
   * Asserts that Redis holds what the instances admitted in the fixed window {@code hash}
   * (after a last round of every instance): {@code admitted}, of a limit of {@code permits}.
   */
  abstract void assertStored(String hash, long admitted, long permits);

  @TestFactory
  Stream<DynamicTest> admittedStaysWithinTheBound() {
    return LongStream.rangeClosed(firstSeed, lastSeed)
        .mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed)));
  }

  private void run(long seed) {
    String name = getClass().getSimpleName();
    System.out.println(name + " seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int k = 2 + r.nextInt(maxInstances - 1);
    long permits = 20 + r.nextInt(300);
    long interval = WINDOW / (4 + r.nextInt(16));
    Algorithm algorithm = algorithms[r.nextInt(2)];
    Limit limit = Limit.of(algorithm, permits, java.time.Duration.ofSeconds(1));
    Setup setup = new Setup(k, limit, interval, 0.05 + r.nextDouble() * 0.95);
    Rule rule = Rule.of(RULE, limit);
    long start = 10_000_000;
    ManualTimeSource clock = TimeSource.manual(start);
    String prefix = name + ":" + UUID.randomUUID() + ":";
    List<RateLimiterEngine> engines = new ArrayList<>();
    List<RateLimiter> limiters = new ArrayList<>();
    long[] nextRound = new long[k];
    long[] skew = new long[k];
    for (int i = 0; i < k; i++) {
      RateLimiterEngine e = instance(clock, prefix, "i" + i, setup);
      engines.add(e);
      limiters.add(e.limiter(rule));
      nextRound[i] = start + r.nextLong(interval);
      skew[i] = roundSkew(r, interval);
    }
    long bound = overAdmission(setup);
    System.out.printf("  %d instances, %s, rounds every %dus, bound %d over%n", k, limit,
        interval, bound);
    InMemoryEngine exactEngine = InMemoryEngine.builder().timeSource(clock).build();
    RateLimiter exact = exactEngine.limiter(rule);
    Map<String, Long> admitted = new HashMap<>();
    Map<String, Long> total = new HashMap<>();
    Map<String, Double> lowest = new HashMap<>();
    long sumAdmitted = 0;
    long sumExact = 0;
    long worstOver = 0;
    long end = start + 6 * WINDOW;
    try {
      long t = start;
      while (t < end) {
        t += r.nextInt(10) == 0 ? 0 : 1 + r.nextLong(WINDOW / (2 * permits));
        for (int i = 0; i < k; i++) {
          while (nextRound[i] <= t) {
            clock.set(Math.max(start, nextRound[i] - skew[i]));
            assertThat(round(engines.get(i))).as("round of i%d", i).isTrue();
            nextRound[i] += interval;
          }
        }
        clock.set(t);
        // Bursts: a key is off for one quarter window in three.
        String key = KEYS[r.nextInt(KEYS.length)];
        if (((t / (WINDOW / 4)) + key.hashCode()) % 3 == 0) {
          continue;
        }
        long cost = r.nextInt(10) == 0 ? 1 + r.nextInt(3) : 1;
        int inst = r.nextInt(4) == 0 ? 0 : r.nextInt(k);
        boolean ok = limiters.get(inst).tryAcquire(key, cost, t);
        sumExact += exact.tryAcquire(key, cost, t) ? cost : 0;
        if (!ok) {
          continue;
        }
        sumAdmitted += cost;
        if (algorithm == Algorithm.TOKEN_BUCKET) {
          long all = total.merge(key, cost, Long::sum);
          // One exact bucket admits at most its capacity plus the refill over any span [a, t]:
          // all(t) - t * rate stays within the capacity of the smallest all(a-) - a * rate
          // seen (a-: just before a's admission).
          double rate = (double) permits / WINDOW;
          lowest.merge(key, (all - cost) - t * rate, Math::min);
          assertThat(all - t * rate - lowest.get(key)).as("seed %d, key %s admitted by %dus",
              seed, key, t - start).isLessThanOrEqualTo(permits + bound + 1e-6);
        } else {
          String w = key + "@" + (t - Math.floorMod(t, WINDOW));
          long sum = admitted.merge(w, cost, Long::sum);
          worstOver = Math.max(worstOver, sum - permits);
          assertThat(sum).as("seed %d, window %s", seed, w)
              .isLessThanOrEqualTo(permits + bound);
        }
      }
      System.out.printf("  admitted %d, exact counter %d: under-admission %.1f %%, worst"
          + " over-admission %d permits (%.2f %% of the limit)%n", sumAdmitted, sumExact,
          100.0 * (sumExact - sumAdmitted) / Math.max(1, sumExact), Math.max(0, worstOver),
          100.0 * Math.max(0, worstOver) / permits);
      assertThat(sumAdmitted).as("seed %d", seed).isPositive();
      if (algorithm == Algorithm.FIXED_WINDOW) {
        // One more round each, no traffic: every admission is in Redis.
        for (RateLimiterEngine e : engines) {
          assertThat(round(e)).isTrue();
        }
        long w = t - Math.floorMod(t, WINDOW);
        for (String key : KEYS) {
          assertStored(prefix + "{" + RULE + "|" + key + "}:0:w" + WINDOW + ":" + w,
              admitted.getOrDefault(key + "@" + w, 0L), permits);
        }
      }
    } finally {
      engines.forEach(RateLimiterEngine::close);
      exactEngine.close();
    }
  }
}
