package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.Poll;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis killed with -9 while leases are out, and started again empty. The guarantee: the
 * instances spend only the leases they hold (never degraded, never more; nothing once the leases
 * expire), and once Redis is back every live instance writes its spent and held counts back while
 * no instance takes new permits (the grace period after a new data mark), so the window still
 * admits at most its limit and Redis accounts for every permit spent.
 */
class LeasedRedisFailureTest {
  private static final long WINDOW = 60_000_000;
  private static final long INTERVAL = 100_000;

  @Test
  void killAndRestart_leasesAreSpentNoFurtherAndThePoolIsRebuilt() {
    Rule rule = Rule.of("lfail", Limit.fixedWindow(1_000, Duration.ofMinutes(1)));
    ManualTimeSource clock = TimeSource.manual(10 * WINDOW + 1);
    try (RedisProcess redis = RedisServers.standalone()) {
      List<LeasedEngine> engines = new ArrayList<>();
      List<RateLimiter> limiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        LeasedEngine e = LeasedEngine.builder(Topology.standalone(redis.uri()))
            .timeSource(clock).instanceId("i" + i).syncInterval(Duration.ofMillis(100))
            .leaseTtl(Duration.ofSeconds(1)).commandTimeout(Duration.ofMillis(200))
            .maxLeaseFraction(0.2).autoSync(false).build();
        engines.add(e);
        limiters.add(e.limiter(rule));
      }
      try {
        long admitted = 0;
        // Warm-up: 1 request per instance per 10 ms, rounds every 100 ms.
        for (int round = 0; round < 10; round++) {
          admitted += traffic(limiters, clock, 1);
          for (LeasedEngine e : engines) {
            assertThat(e.syncNow()).isTrue();
          }
        }
        long held = 0;
        for (LeasedEngine e : engines) {
          held += e.stats().leasedPermits();
        }
        assertThat(held).isPositive();
        assertThat(pool(redis, "s:") + pool(redis, "h:")).isEqualTo(admitted + held);

        redis.kill();
        long duringOutage = 0;
        for (int round = 0; round < 5; round++) {
          // Only the first instance has traffic: it runs out, the others keep their leases.
          duringOutage += traffic(limiters.subList(0, 1), clock, 1);
          for (LeasedEngine e : engines) {
            assertThat(e.syncNow()).isFalse();
          }
        }
        // The leases were renewed at the last round before the kill and are spendable for
        // another 900 ms: the instances spend them and nothing more.
        assertThat(duringOutage).isPositive().isLessThanOrEqualTo(held);
        long left = 0;
        for (LeasedEngine e : engines) {
          left += e.stats().leasedPermits();
          assertThat(e.stats().consecutiveFailures()).isEqualTo(5);
        }
        assertThat(duringOutage + left).isEqualTo(held);
        admitted += duringOutage;

        redis.restart();
        for (LeasedEngine e : engines) {
          Poll.until("round after restart", Duration.ofSeconds(30), e::syncNow);
          assertThat(e.stats().restartsDetected()).isEqualTo(1);
          assertThat(e.stats().inGrace()).isTrue();
        }
        // Every instance has written back what it spent and holds: the pool is whole.
        assertThat(left).isPositive();
        assertThat(pool(redis, "s:")).isEqualTo(admitted);
        assertThat(pool(redis, "h:")).isEqualTo(left);

        // The rest of the window at twice the limit: still at most the limit in all.
        for (int round = 0; round < 400; round++) {
          admitted += traffic(limiters, clock, 10);
          for (LeasedEngine e : engines) {
            assertThat(e.syncNow()).isTrue();
          }
          if (clock.nowMicros() >= 11 * WINDOW - 2 * INTERVAL) {
            break;
          }
        }
        System.out.printf("admitted %d of 1000 in the window (held %d at the kill, %d spent "
            + "during the outage, %d held at the restart)%n", admitted, held, duringOutage, left);
        assertThat(admitted).isLessThanOrEqualTo(1_000).isGreaterThan(900);
        assertThat(pool(redis, "s:")).isEqualTo(admitted);
      } finally {
        engines.forEach(LeasedEngine::close);
      }
    }
  }

  /** Ten steps of 10 ms, each with {@code perStep} requests per instance; returns admissions. */
  private static long traffic(List<RateLimiter> limiters, ManualTimeSource clock, int perStep) {
    long a = 0;
    for (int step = 0; step < 10; step++) {
      clock.advanceMicros(INTERVAL / 10);
      for (RateLimiter l : limiters) {
        for (int j = 0; j < perStep; j++) {
          Decision d = l.check("hot", 1, clock.nowMicros());
          assertThat(d.degraded()).isFalse();
          if (d.allowed()) {
            a++;
          }
        }
      }
    }
    return a;
  }

  private static long pool(RedisProcess redis, String field) {
    List<?> flat = (List<?>) redis.call("HGETALL",
        "sluice:leased:{lfail|hot}:0:w" + WINDOW + ":" + 10 * WINDOW);
    long sum = 0;
    for (int i = 0; i < flat.size(); i += 2) {
      if (flat.get(i).toString().startsWith(field)) {
        sum += Long.parseLong(flat.get(i + 1).toString());
      }
    }
    return sum;
  }
}
