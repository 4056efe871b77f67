package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.ManualTimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-based: several instances on one manual clock, each syncing at its own phase, take random
 * traffic (several keys, demand above the limit, random instance per request, random bursts)
 * from a printed seed. Per key and fixed window, what all instances admitted together must stay
 * within the bound of docs/distributed.md, and after a last sync Redis must hold exactly what
 * was admitted.
 */
class MultiInstanceBoundsTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13, 14, 15, 16})
  void fixedWindow_admitsAtMostTheLimitPlusTheBound(long seed) {
    System.out.println("MultiInstanceBoundsTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int k = 2 + r.nextInt(5);
    long permits = 50 + r.nextInt(200);
    long windowMicros = 1_000_000;
    long interval = windowMicros / (4 + r.nextInt(16));
    boolean sliding = r.nextBoolean();
    Limit limit = sliding ? Limit.slidingWindowCounter(permits, Duration.ofSeconds(1))
        : Limit.fixedWindow(permits, Duration.ofSeconds(1));
    Rule rule = Rule.of("bounds", limit);
    ManualTimeSource clock = TimeSource.manual(10_000_000);
    String prefix = "bounds:" + UUID.randomUUID() + ":";
    List<SyncedEngine> engines = new ArrayList<>();
    List<RateLimiter> limiters = new ArrayList<>();
    long[] phase = new long[k];
    for (int i = 0; i < k; i++) {
      SyncedEngine e = SyncedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
          .timeSource(clock).keyPrefix(prefix).instanceId("i" + i)
          .syncInterval(Duration.ofNanos(interval * 1_000)).expectedInstances(k)
          .commandTimeout(Duration.ofSeconds(5)).autoSync(false).build();
      engines.add(e);
      limiters.add(e.limiter(rule));
      phase[i] = r.nextLong(interval);
    }
    System.out.printf("  %d instances, %s, sync every %dus%n", k, limit, interval);
    try {
      Map<String, Long> admitted = new HashMap<>();
      long worstOver = 0;
      long t = clock.nowMicros();
      long end = t + 5 * windowMicros;
      long[] nextSync = phase.clone();
      for (int i = 0; i < k; i++) {
        nextSync[i] += t;
      }
      // Demand: about 3x the limit per key, in bursts.
      long meanGap = windowMicros / (3 * permits);
      while (t < end) {
        t += r.nextInt(10) == 0 ? 0 : 1 + r.nextLong(2 * meanGap);
        clock.set(t);
        for (int i = 0; i < k; i++) {
          if (t >= nextSync[i]) {
            engines.get(i).syncNow();
            nextSync[i] += interval;
          }
        }
        String key = "k" + r.nextInt(3);
        int inst = r.nextInt(4) == 0 ? 0 : r.nextInt(k);
        if (limiters.get(inst).tryAcquire(key, 1, t)) {
          String w = key + "@" + (t - Math.floorMod(t, windowMicros));
          long a = admitted.merge(w, 1L, Long::sum);
          worstOver = Math.max(worstOver, a - permits);
        }
      }
      System.out.printf("  worst over-admission %d permits (%.2f %% of the limit)%n", worstOver,
          100.0 * worstOver / permits);
      // The bound: the shares of one round sum to at most what was left, and an instance that
      // synced late may have based its share on a remainder others had already spent once.
      assertThat(worstOver).as("seed %d", seed).isLessThanOrEqualTo(bound(permits, k));
      if (!sliding) {
        for (SyncedEngine e : engines) {
          assertThat(e.syncNow()).isTrue();
        }
        long w = t - Math.floorMod(t, windowMicros);
        for (int key = 0; key < 3; key++) {
          String hash = prefix + "{bounds|k" + key + "}:0:w" + windowMicros + ":" + w;
          long sum = RedisCounts.total(RedisServers.shared(), hash);
          assertThat(sum).as("Redis total of k%d", key)
              .isEqualTo(admitted.getOrDefault("k" + key + "@" + w, 0L));
        }
      }
    } finally {
      engines.forEach(SyncedEngine::close);
    }
  }

  static long bound(long permits, int instances) {
    return permits / 10 + instances;
  }
}
