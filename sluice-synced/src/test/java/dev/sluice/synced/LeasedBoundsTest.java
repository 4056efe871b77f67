package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.InMemoryEngine;
import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
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
 * Model-based: several leased instances on one manual clock, each running its rounds at its own
 * phase, take random traffic (several keys, bursts above the limit, a random instance per
 * request) from a printed seed. Leases never over-admit: per key and fixed window, what all
 * instances admitted together is at most the limit, exactly; for a token bucket, what was admitted
 * up to any moment is at most the capacity plus the refill since the start. At the end Redis's
 * pools account for every permit. Under-admission against an exact counter deciding the same
 * requests is printed (it is the price, not a bound).
 */
class LeasedBoundsTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23, 24, 25, 26, 27, 28})
  void leases_neverAdmitMoreThanThePool(long seed) {
    System.out.println("LeasedBoundsTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int k = 2 + r.nextInt(6);
    long permits = 20 + r.nextInt(300);
    long windowMicros = 1_000_000;
    long interval = windowMicros / (4 + r.nextInt(16));
    boolean bucket = r.nextBoolean();
    Limit limit = bucket ? Limit.tokenBucket(permits, Duration.ofSeconds(1))
        : Limit.fixedWindow(permits, Duration.ofSeconds(1));
    Rule rule = Rule.of("lbounds", limit);
    double fraction = 0.05 + r.nextDouble() * 0.95;
    long start = 10_000_000;
    ManualTimeSource clock = TimeSource.manual(start);
    String prefix = "lbounds:" + UUID.randomUUID() + ":";
    List<LeasedEngine> engines = new ArrayList<>();
    List<RateLimiter> limiters = new ArrayList<>();
    long[] nextRound = new long[k];
    // Each instance's clock runs behind by its own skew in its rounds, so that the pools see
    // rounds out of time order, as from instances whose clocks differ.
    long[] skew = new long[k];
    for (int i = 0; i < k; i++) {
      LeasedEngine e = LeasedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
          .timeSource(clock).keyPrefix(prefix).instanceId("i" + i)
          .syncInterval(Duration.ofNanos(interval * 1_000)).maxLeaseFraction(fraction)
          .commandTimeout(Duration.ofSeconds(5)).autoSync(false).build();
      engines.add(e);
      limiters.add(e.limiter(rule));
      nextRound[i] = start + r.nextLong(interval);
      skew[i] = r.nextLong(interval / 2);
    }
    System.out.printf("  %d instances, %s, rounds every %dus, max lease %.2f%n", k, limit,
        interval, fraction);
    InMemoryEngine exactEngine = InMemoryEngine.builder().timeSource(clock).build();
    RateLimiter exact = exactEngine.limiter(rule);
    String[] keys = {"a", "b", "c"};
    Map<String, Long> admitted = new HashMap<>();
    Map<String, Long> total = new HashMap<>();
    Map<String, Double> lowest = new HashMap<>();
    long sumAdmitted = 0;
    long sumExact = 0;
    long end = start + 6 * windowMicros;
    try {
      long t = start;
      while (t < end) {
        t += 1 + r.nextLong(windowMicros / (4 * permits));
        for (int i = 0; i < k; i++) {
          while (nextRound[i] <= t) {
            clock.set(Math.max(start, nextRound[i] - skew[i]));
            assertThat(engines.get(i).syncNow()).isTrue();
            nextRound[i] += interval;
          }
        }
        clock.set(t);
        // Bursts: a key is on for a random part of each quarter window.
        String key = keys[r.nextInt(keys.length)];
        if (((t / (windowMicros / 4)) + key.hashCode()) % 3 == 0) {
          continue;
        }
        long cost = r.nextInt(10) == 0 ? 1 + r.nextInt(3) : 1;
        boolean ok = limiters.get(r.nextInt(k)).tryAcquire(key, cost, t);
        boolean truth = exact.tryAcquire(key, cost, t);
        sumExact += truth ? cost : 0;
        if (!ok) {
          continue;
        }
        sumAdmitted += cost;
        if (bucket) {
          long all = total.merge(key, cost, Long::sum);
          // One exact bucket admits at most its capacity plus the refill over any span [a, t]:
          // all(t) - all(a-) <= permits + (t - a) * rate, i.e. all(t) - t * rate stays within
          // permits of the smallest all(a-) - a * rate seen (a-: just before a's admission).
          double rate = (double) permits / windowMicros;
          double before = (all - cost) - t * rate;
          lowest.merge(key, before, Math::min);
          assertThat(all - t * rate - lowest.get(key)).as("key %s admitted by %dus", key,
              t - start).isLessThanOrEqualTo(permits + 1e-6);
        } else {
          String w = key + "@" + (t - Math.floorMod(t, windowMicros));
          long sum = admitted.merge(w, cost, Long::sum);
          assertThat(sum).as("window %s", w).isLessThanOrEqualTo(permits);
        }
      }
      System.out.printf("  admitted %d, exact counter %d: under-admission %.1f %%%n",
          sumAdmitted, sumExact, 100.0 * (sumExact - sumAdmitted) / Math.max(1, sumExact));
      assertThat(sumAdmitted).isPositive();
      if (!bucket) {
        // One more round each, no traffic: every spent permit is in the pools.
        for (LeasedEngine e : engines) {
          assertThat(e.syncNow()).isTrue();
        }
        long w = t - Math.floorMod(t, windowMicros);
        for (String key : keys) {
          String pool = prefix + "{lbounds|" + key + "}:0:w" + windowMicros + ":" + w;
          long spent = field(pool, "s:");
          long held = field(pool, "h:");
          assertThat(spent).as(pool).isEqualTo(admitted.getOrDefault(key + "@" + w, 0L));
          assertThat(spent + held).as(pool).isLessThanOrEqualTo(permits);
          long leased = 0;
          for (LeasedEngine e : engines) {
            leased += e.stats().leasedPermits();
          }
          assertThat(leased).isGreaterThanOrEqualTo(0);
        }
      }
    } finally {
      engines.forEach(LeasedEngine::close);
      exactEngine.close();
    }
  }

  /** The sum of a pool's fields whose names start with {@code prefix}. */
  static long field(String pool, String prefix) {
    List<?> flat = (List<?>) RedisServers.shared().call("HGETALL", pool);
    long sum = 0;
    for (int i = 0; i < flat.size(); i += 2) {
      if (flat.get(i).toString().startsWith(prefix)) {
        sum += Long.parseLong(flat.get(i + 1).toString());
      }
    }
    return sum;
  }
}
