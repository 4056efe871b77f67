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
 * Redis killed with -9 and started again, empty, during syncing: instances keep deciding on their
 * last view within their shares, never degraded, and once Redis is back every count is pushed
 * again, so it holds everything that was admitted.
 */
class RedisFailureTest {
  private static final long WINDOW = 60_000_000;

  @Test
  void killAndRestart_instancesKeepDecidingAndRedisGetsEveryCountBack() {
    Rule rule = Rule.of("fail", Limit.fixedWindow(1_000, Duration.ofMinutes(1)));
    ManualTimeSource clock = TimeSource.manual(10 * WINDOW + 1);
    try (RedisProcess redis = RedisServers.standalone()) {
      List<SyncedEngine> engines = new ArrayList<>();
      List<RateLimiter> limiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        SyncedEngine e = SyncedEngine.builder(Topology.standalone(redis.uri()))
            .timeSource(clock).instanceId("i" + i).expectedInstances(3)
            .syncInterval(Duration.ofMillis(100)).commandTimeout(Duration.ofMillis(200))
            .autoSync(false).build();
        engines.add(e);
        limiters.add(e.limiter(rule));
      }
      try {
        long admitted = 0;
        for (RateLimiter l : limiters) {
          admitted += admit(l, "hot", 100, clock);
          admit(l, "cold", 10, clock);
        }
        for (SyncedEngine e : engines) {
          assertThat(e.syncNow()).isTrue();
        }
        assertThat(total(redis, "hot")).isEqualTo(300);
        assertThat(total(redis, "cold")).isEqualTo(30);

        redis.kill();
        long duringOutage = 0;
        for (int round = 0; round < 5; round++) {
          clock.advanceMicros(100_000);
          for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 100; j++) {
              Decision d = limiters.get(i).check("hot", 1, clock.nowMicros());
              assertThat(d.degraded()).isFalse();
              if (d.allowed()) {
                duringOutage++;
              }
            }
            assertThat(engines.get(i).syncNow()).isFalse();
          }
        }
        admitted += duringOutage;
        // Each instance spends at most its share, a third of what it saw left at its last sync:
        // 900, 800 and 700 (the first to sync had not seen the others' counts yet), each rounded
        // up or down.
        assertThat(duringOutage).isPositive().isLessThanOrEqualTo(300 + 267 + 234);
        SyncStats stats = engines.get(0).stats();
        assertThat(stats.consecutiveFailures()).isEqualTo(5);
        assertThat(stats.lastSyncAgeMicros()).isEqualTo(500_000);
        assertThat(stats.inSync()).isFalse();

        redis.restart();
        clock.advanceMicros(1_000_000);
        for (SyncedEngine e : engines) {
          Poll.until("sync after restart", Duration.ofSeconds(30), e::syncNow);
        }
        // The first complete round found Redis empty (the heartbeat marker was gone) and queued
        // every count, the untouched "cold" ones too; the next round pushes them.
        for (SyncedEngine e : engines) {
          assertThat(e.syncNow()).isTrue();
          assertThat(e.stats().restartsDetected()).isEqualTo(1);
        }
        assertThat(total(redis, "hot")).isEqualTo(admitted);
        assertThat(total(redis, "cold")).isEqualTo(30);
      } finally {
        engines.forEach(SyncedEngine::close);
      }
    }
  }

  private static long admit(RateLimiter l, String key, int n, ManualTimeSource clock) {
    long a = 0;
    for (int i = 0; i < n; i++) {
      if (l.tryAcquire(key, 1, clock.nowMicros())) {
        a++;
      }
    }
    return a;
  }

  static long total(RedisProcess redis, String key) {
    long w = 10 * WINDOW;
    return RedisCounts.total(redis, "sluice:synced:{fail|" + key + "}:0:w" + WINDOW + ":" + w);
  }
}
