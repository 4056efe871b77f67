package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisSentinelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both engines on a Sentinel topology (a master, a replica, three sentinels): the synced engine's
 * counts and the leased engine's pools reach the master that the sentinels name, and the leased
 * cluster admits exactly the limit.
 */
class SentinelLeaseTest {

  @Test
  void sentinelTopology_syncsAndLeasesThroughTheMaster() {
    try (RedisSentinelGroup group = RedisSentinelGroup.start()) {
      Topology topology = Topology.sentinel(RedisSentinelGroup.MASTER_ID,
          group.sentinelAddresses());
      Rule rule = Rule.of("sentinel", Limit.fixedWindow(100, Duration.ofMinutes(1)));
      ManualTimeSource clock = TimeSource.manual(60_000_000L * 1_000 + 1);
      List<LeasedEngine> leased = new ArrayList<>();
      try (SyncedEngine synced = SyncedEngine.builder(topology).timeSource(clock)
          .commandTimeout(Duration.ofSeconds(2)).autoSync(false).build()) {
        assertThat(synced.limiter(rule).tryAcquire("k", 7, clock.nowMicros())).isTrue();
        assertThat(synced.syncNow()).isTrue();
        assertThat(RedisCounts.total(group.master(), "sluice:synced:{sentinel|k}:0:w60000000:"
            + 60_000_000L * 1_000)).isEqualTo(7);

        for (int i = 0; i < 3; i++) {
          leased.add(LeasedEngine.builder(topology).timeSource(clock).instanceId("s" + i)
              .syncInterval(Duration.ofMillis(100)).maxLeaseFraction(0.5)
              .commandTimeout(Duration.ofSeconds(2)).autoSync(false).build());
        }
        // A data mark a window old: no grace period.
        for (LeasedEngine e : leased) {
          assertThat(e.syncNow()).isTrue();
        }
        clock.advanceMicros(60_000_000L);
        long admitted = 0;
        for (int round = 0; round < 50; round++) {
          clock.advanceMicros(100_000);
          for (LeasedEngine e : leased) {
            RateLimiter l = e.limiter(rule);
            for (int j = 0; j < 10; j++) {
              admitted += l.tryAcquire("k", 1, clock.nowMicros()) ? 1 : 0;
            }
            assertThat(e.syncNow()).isTrue();
          }
        }
        assertThat(admitted).isEqualTo(100);
      } finally {
        leased.forEach(LeasedEngine::close);
      }
    }
  }
}
