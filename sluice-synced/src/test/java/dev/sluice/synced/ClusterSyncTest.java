package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * On a real three-master Redis Cluster, two instances share their counts: script calls are
 * grouped by hash slot, so clients on every master are synced.
 */
class ClusterSyncTest {

  @Test
  void twoInstancesOnACluster_seeEachOthersCountsForClientsOnEveryMaster() {
    try (RedisCluster cluster = RedisCluster.start(3)) {
      ManualTimeSource clock = TimeSource.manual(60_000_000L * 1_000);
      Rule rule = Rule.of("c", Limit.fixedWindow(10, Duration.ofMinutes(1)));
      try (SyncedEngine a = engine(cluster, clock, "a"); SyncedEngine b = engine(cluster, clock,
          "b")) {
        RateLimiter la = a.limiter(rule);
        RateLimiter lb = b.limiter(rule);
        for (int client = 0; client < 30; client++) {
          for (int i = 0; i < 6; i++) {
            assertThat(la.tryAcquire("client-" + client, 1, clock.nowMicros())).isTrue();
          }
        }
        assertThat(a.syncNow()).as("%s", a.stats()).isTrue();
        assertThat(b.syncNow()).isTrue();
        // b has not seen these clients: its view comes with its first admission and the next
        // sync, and from then on it has what a left: 4 of 10 for every client.
        for (int client = 0; client < 30; client++) {
          assertThat(lb.tryAcquire("client-" + client, 1, clock.nowMicros())).isTrue();
        }
        assertThat(b.syncNow()).isTrue();
        for (int client = 0; client < 30; client++) {
          assertThat(lb.check("client-" + client, 1, clock.nowMicros()).remaining())
              .as("client-%d", client).isEqualTo(2);
        }
        assertThat(b.stats().commandsSent()).isGreaterThan(3);
      }
    }
  }

  private static SyncedEngine engine(RedisCluster cluster, ManualTimeSource clock, String id) {
    return SyncedEngine.builder(Topology.cluster(cluster.seedUris())).timeSource(clock)
        .instanceId(id).commandTimeout(Duration.ofSeconds(5)).autoSync(false).build();
  }
}
